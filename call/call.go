// Package call is the call event model shared by the SIP sources, which
// produce events, and the hook engine, which consumes them. It imports
// nothing of either side, so neither depends on the other.
//
// A Call is one phone call as the agent sees it; an Event is one trigger
// firing for that call. Sources hand events to a Handler; every trigger
// fires at most once per call.
package call

import (
	"strings"
	"time"
)

// Direction is the direction of a call from the agent's point of view.
type Direction string

// Directions, as rendered by {direction}.
const (
	In  Direction = "in"
	Out Direction = "out"
)

// Trigger names a point in a call's life a hook can fire on. The string
// values are the wire names used in the config file.
type Trigger string

// The eleven triggers of the product design.
const (
	OutgoingStart  Trigger = "outgoing.start"
	OutgoingAnswer Trigger = "outgoing.answer"
	OutgoingHangup Trigger = "outgoing.hangup"
	IncomingRing   Trigger = "incoming.ring"
	IncomingAnswer Trigger = "incoming.answer"
	IncomingHangup Trigger = "incoming.hangup"
	IncomingMissed Trigger = "incoming.missed"
	QueueRing      Trigger = "queue.ring"
	QueueAnswer    Trigger = "queue.answer"
	QueueHangup    Trigger = "queue.hangup"
	QueueMissed    Trigger = "queue.missed"
)

// Triggers lists every trigger in the order a user reads them.
func Triggers() []Trigger {
	return []Trigger{
		OutgoingStart, OutgoingAnswer, OutgoingHangup,
		IncomingRing, IncomingAnswer, IncomingHangup, IncomingMissed,
		QueueRing, QueueAnswer, QueueHangup, QueueMissed,
	}
}

// Valid reports whether t is one of the eleven triggers.
func (t Trigger) Valid() bool {
	for _, v := range Triggers() {
		if t == v {
			return true
		}
	}
	return false
}

// Phase is the point of the call a trigger stands for, whatever the
// direction: ring (or start, for outgoing calls), answer, hangup or missed.
type Phase string

// Phases of a call.
const (
	PhaseRing   Phase = "ring"
	PhaseAnswer Phase = "answer"
	PhaseHangup Phase = "hangup"
	PhaseMissed Phase = "missed"
)

// Phase returns the phase t fires on; outgoing.start is PhaseRing.
func (t Trigger) Phase() Phase {
	switch {
	case strings.HasSuffix(string(t), ".answer"):
		return PhaseAnswer
	case strings.HasSuffix(string(t), ".hangup"):
		return PhaseHangup
	case strings.HasSuffix(string(t), ".missed"):
		return PhaseMissed
	}
	return PhaseRing
}

// TriggerFor returns the trigger for a phase of a call of the given
// direction, a queue call when queued is true. Outgoing calls have no
// missed trigger and are never queue calls; ok is false then.
func TriggerFor(d Direction, queued bool, p Phase) (t Trigger, ok bool) {
	prefix := "incoming."
	switch {
	case d == Out:
		prefix = "outgoing."
		if p == PhaseMissed {
			return "", false
		}
		if p == PhaseRing {
			return OutgoingStart, true
		}
	case queued:
		prefix = "queue."
	}
	return Trigger(prefix + string(p)), true
}

// Outcome says how a call ended.
type Outcome string

// Outcomes, as rendered by {outcome}.
const (
	Answered          Outcome = "answered"
	Missed            Outcome = "missed"
	Busy              Outcome = "busy"
	Rejected          Outcome = "rejected"
	Cancelled         Outcome = "cancelled"
	AnsweredElsewhere Outcome = "answered_elsewhere"
	Failed            Outcome = "failed"
)

// Party is one end of a call. Number is the user part of the SIP identity
// (no "sip:", no domain); Name is the display name, possibly empty. Both
// come from the network and are hostile input.
type Party struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
}

// Call is one call as the agent sees it. Times are zero until they happen:
// Answer stays zero for a call never answered, End until it ends.
type Call struct {
	// ID is stable for the whole call: the same across re-INVITEs,
	// retransmissions and forks.
	ID        string    `json:"id"`
	Direction Direction `json:"direction"`
	// Queue is the queue's name for a queue call, empty for a direct one.
	Queue  string `json:"queue,omitempty"`
	Caller Party  `json:"caller"`
	Callee Party  `json:"callee"`
	// User is the agent's configured user name.
	User    string    `json:"user,omitempty"`
	Start   time.Time `json:"start"`
	Answer  time.Time `json:"answer,omitzero"`
	End     time.Time `json:"end,omitzero"`
	Outcome Outcome   `json:"outcome,omitempty"`
	// Headers holds the SIP headers of the initial INVITE, keyed by
	// lower-case name; several values of one header are joined by ", ".
	Headers map[string]string `json:"headers,omitempty"`
}

// Remote returns the other party: the caller of an incoming call, the
// callee of an outgoing one.
func (c *Call) Remote() Party {
	if c.Direction == Out {
		return c.Callee
	}
	return c.Caller
}

// Local returns the agent's own side of the call.
func (c *Call) Local() Party {
	if c.Direction == Out {
		return c.Caller
	}
	return c.Callee
}

// Duration is the talk time: from answer to end (or to now for a call
// still in progress), zero if never answered.
func (c *Call) Duration(now time.Time) time.Duration {
	if c.Answer.IsZero() {
		return 0
	}
	end := c.End
	if end.IsZero() {
		end = now
	}
	if end.Before(c.Answer) {
		return 0
	}
	return end.Sub(c.Answer)
}

// Header returns the initial INVITE's header name, case-insensitively;
// never one that carries credentials (see SensitiveHeader).
func (c *Call) Header(name string) (string, bool) {
	if SensitiveHeader(name) {
		return "", false
	}
	v, ok := c.Headers[strings.ToLower(name)]
	return v, ok
}

// Event is one trigger firing for one call. Call is a snapshot taken when
// the trigger fired.
type Event struct {
	Trigger Trigger
	Call    Call
	At      time.Time
}

// Handler receives call events. It must not block, and must not call back
// into the source that called it: sources call it from their SIP handling
// path, holding the lock that keeps a call's events in order.
type Handler func(Event)
