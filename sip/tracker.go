package sip

import (
	"strings"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
)

// Observation is what a source saw of a call when it first learned of it:
// an initial INVITE through the proxy, or a new dialog in a dialog-info
// NOTIFY. Every string in it came from the network.
type Observation struct {
	// ID identifies the call for its whole life: the SIP Call-ID (the
	// dialog-info call-id attribute in dialog mode).
	ID        string
	Direction call.Direction
	Caller    call.Party
	Callee    call.Party
	// Numbers the call was addressed to besides Callee, for queue rules:
	// Request-URI, To, Diversion and History-Info user parts.
	Targets []string
	// Headers of the initial INVITE keyed by lower-case name (proxy only).
	Headers map[string]string
	At      time.Time
	// Queue, when set, makes the call a call of that queue whatever the
	// queue rules say. Only simulated calls set it; SIP sources never do.
	Queue string
}

// Tracker turns what sources observe into call events, and is the one
// place that guarantees each trigger fires at most once per call: a
// retransmitted INVITE, a re-INVITE, a forked early dialog or a late 180
// after the 200 all land on a call that already passed that phase.
//
// It is safe for concurrent use. Its handler is called with the tracker's
// lock released, in the order the phases happened for each call.
type Tracker struct {
	user   string
	queues []QueueRule
	emit   call.Handler
	now    func() time.Time
	// linger is how long an ended call is remembered, so that late
	// retransmissions of its messages are recognised as duplicates.
	linger time.Duration
	// maxAge ends a call that has run this long: its source lost it (a
	// BYE that never passed, a NOTIFY that never came), and a call left
	// in progress would never fire its hangup.
	maxAge time.Duration

	mu    sync.Mutex
	calls map[string]*tracked
	// emitMu serialises handler calls so events leave in phase order.
	emitMu sync.Mutex
}

type tracked struct {
	c     call.Call
	fired map[call.Phase]bool
	ended time.Time
}

// TrackerOption configures a Tracker.
type TrackerOption func(*Tracker)

// WithClock sets the tracker's clock (tests).
func WithClock(now func() time.Time) TrackerOption { return func(t *Tracker) { t.now = now } }

// WithLinger sets how long ended calls are remembered (default 2 minutes).
func WithLinger(d time.Duration) TrackerOption { return func(t *Tracker) { t.linger = d } }

// WithMaxAge sets how long a call may last before the tracker ends it as
// failed (default DefaultMaxAge).
func WithMaxAge(d time.Duration) TrackerOption { return func(t *Tracker) { t.maxAge = d } }

// DefaultMaxAge is how long a call may last: as long as the proxy lets an
// answered call talk without seeing its BYE.
const DefaultMaxAge = maxTalk

// NewTracker returns a tracker for the agent user that classifies calls
// with queues and hands events to h.
func NewTracker(user string, queues []QueueRule, h call.Handler, opts ...TrackerOption) *Tracker {
	t := &Tracker{user: user, queues: queues, emit: h, now: time.Now, linger: 2 * time.Minute, maxAge: DefaultMaxAge, calls: map[string]*tracked{}}
	for _, o := range opts {
		o(t)
	}
	return t
}

// SetQueues replaces the queue rules for calls that start from now on.
func (t *Tracker) SetQueues(user string, queues []QueueRule) {
	t.mu.Lock()
	t.user, t.queues = user, queues
	t.mu.Unlock()
}

// Ring reports a new call: an outgoing call placed by the agent, or an
// incoming call ringing at the agent. It fires outgoing.start,
// incoming.ring or queue.ring once; repeats for the same ID are ignored.
func (t *Tracker) Ring(o Observation) {
	if o.ID == "" {
		return
	}
	at := o.At
	if at.IsZero() {
		at = t.now()
	}
	t.mu.Lock()
	expired := t.sweepLocked(at)
	if _, ok := t.calls[o.ID]; ok {
		t.emitLocked(expired...)
		return
	}
	c := call.Call{
		ID: o.ID, Direction: o.Direction, Caller: o.Caller, Callee: o.Callee,
		User: t.user, Start: at, Headers: o.Headers,
	}
	if c.Direction == call.In && o.Queue != "" {
		c.Queue = o.Queue
		if q, ok := queueNamed(t.queues, o.Queue); ok {
			c.Caller.Name = strings.TrimSpace(strings.TrimPrefix(c.Caller.Name, q.DisplayPrefix))
		}
	} else if c.Direction == call.In {
		if q, ok := classify(t.queues, o); ok {
			c.Queue = q.Name
			c.Caller.Name = strings.TrimSpace(strings.TrimPrefix(c.Caller.Name, q.DisplayPrefix))
		}
	}
	tc := &tracked{c: c, fired: map[call.Phase]bool{}}
	t.calls[o.ID] = tc
	if ev, ok := t.fireLocked(tc, call.PhaseRing, at); ok {
		expired = append(expired, ev)
	}
	t.emitLocked(expired...)
}

// Answer reports that the call was answered (by the agent, or by the
// remote party for an outgoing call). Unknown or ended calls and repeats
// are ignored.
func (t *Tracker) Answer(id string, at time.Time) {
	if at.IsZero() {
		at = t.now()
	}
	t.mu.Lock()
	tc, ok := t.calls[id]
	if !ok || !tc.ended.IsZero() || tc.fired[call.PhaseAnswer] {
		t.mu.Unlock()
		return
	}
	tc.c.Answer = at
	if ev, ok := t.fireLocked(tc, call.PhaseAnswer, at); ok {
		t.emitLocked(ev)
		return
	}
	t.emitLocked()
}

// End reports that the call is over. The outcome is taken as given for an
// unanswered call; an answered call always ends as answered. It fires the
// hangup trigger and, for an incoming call that was not answered (and not
// answered elsewhere), the missed trigger.
func (t *Tracker) End(id string, outcome call.Outcome, at time.Time) {
	if at.IsZero() {
		at = t.now()
	}
	t.mu.Lock()
	tc, ok := t.calls[id]
	if !ok || !tc.ended.IsZero() {
		t.mu.Unlock()
		return
	}
	t.emitLocked(t.endLocked(tc, outcome, at)...)
}

// EndAll ends every call in progress as End does with outcome, at once:
// the engine calls it when the source that saw those calls stops, since
// no other will report their end. An answered call still ends answered.
func (t *Tracker) EndAll(outcome call.Outcome) {
	at := t.now()
	t.mu.Lock()
	var evs []call.Event
	for _, tc := range t.calls {
		if tc.ended.IsZero() {
			evs = append(evs, t.endLocked(tc, outcome, at)...)
		}
	}
	t.emitLocked(evs...)
}

// Expire ends the calls older than the maximum age (WithMaxAge) as
// failed, and forgets ended calls after their linger. Ring does it too;
// call it periodically so that a lost call ends without a new one.
func (t *Tracker) Expire() {
	t.mu.Lock()
	t.emitLocked(t.sweepLocked(t.now())...)
}

// endLocked ends tc and returns its hangup event and, for an incoming
// call that was not answered (here or elsewhere), its missed event. The
// outcome is taken as given for an unanswered call; an answered call
// always ends as answered.
func (t *Tracker) endLocked(tc *tracked, outcome call.Outcome, at time.Time) []call.Event {
	tc.ended = at
	tc.c.End = at
	switch {
	case !tc.c.Answer.IsZero():
		tc.c.Outcome = call.Answered
	case outcome == "" || outcome == call.Answered:
		tc.c.Outcome = call.Failed
	default:
		tc.c.Outcome = outcome
	}
	var evs []call.Event
	if ev, ok := t.fireLocked(tc, call.PhaseHangup, at); ok {
		evs = append(evs, ev)
	}
	if tc.c.Direction == call.In && tc.c.Answer.IsZero() && tc.c.Outcome != call.AnsweredElsewhere {
		if ev, ok := t.fireLocked(tc, call.PhaseMissed, at); ok {
			evs = append(evs, ev)
		}
	}
	return evs
}

// Restore makes a call in progress that a source knew before a restart
// known again, as far as it got (ring, and answer if answered), without
// firing anything: its remaining phases fire as usual.
func (t *Tracker) Restore(c call.Call) {
	if c.ID == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.calls[c.ID]; ok {
		return
	}
	fired := map[call.Phase]bool{call.PhaseRing: true}
	if !c.Answer.IsZero() {
		fired[call.PhaseAnswer] = true
	}
	t.calls[c.ID] = &tracked{c: c, fired: fired}
}

// Active returns snapshots of the calls in progress.
func (t *Tracker) Active() []call.Call {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []call.Call
	for _, tc := range t.calls {
		if tc.ended.IsZero() {
			out = append(out, tc.c)
		}
	}
	return out
}

// Known reports whether the tracker has seen id (in progress or recently
// ended).
func (t *Tracker) Known(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.calls[id]
	return ok
}

// fireLocked marks phase p as fired and returns its event, or false if it
// fired before or has no trigger for this call.
func (t *Tracker) fireLocked(tc *tracked, p call.Phase, at time.Time) (call.Event, bool) {
	if tc.fired[p] {
		return call.Event{}, false
	}
	tr, ok := call.TriggerFor(tc.c.Direction, tc.c.Queue != "", p)
	if !ok {
		return call.Event{}, false
	}
	tc.fired[p] = true
	snap := tc.c
	return call.Event{Trigger: tr, Call: snap, At: at}, true
}

// emitLocked hands evs to the handler after releasing t.mu, keeping the
// order of events across goroutines.
func (t *Tracker) emitLocked(evs ...call.Event) {
	t.emitMu.Lock()
	t.mu.Unlock()
	defer t.emitMu.Unlock()
	for _, ev := range evs {
		t.emit(ev)
	}
}

// sweepLocked ends the calls older than maxAge as failed, returning their
// events, and forgets ended calls after their linger.
func (t *Tracker) sweepLocked(now time.Time) []call.Event {
	var evs []call.Event
	for id, tc := range t.calls {
		switch {
		case tc.ended.IsZero() && t.maxAge > 0 && now.Sub(tc.c.Start) > t.maxAge:
			evs = append(evs, t.endLocked(tc, call.Failed, now)...)
		case !tc.ended.IsZero() && now.Sub(tc.ended) > t.linger:
			delete(t.calls, id)
		}
	}
	return evs
}
