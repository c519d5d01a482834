package sip

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

// The proxy sees every message of the softphone's calls; callObserver
// turns the few that matter into tracker calls: the initial INVITE rings,
// a 2xx to it answers, its final non-2xx, a CANCEL or a BYE ends. It
// knows which INVITE is the initial one (re-INVITEs and their answers
// must not count) by CSeq number and From tag; the tracker itself drops
// repeats from retransmissions and forks.

const (
	// challengeWait is how long a challenged INVITE may take to come back
	// with credentials (Timer B) before the call counts as failed.
	challengeWait = 32 * time.Second
	// legLinger keeps ended legs, so late retransmissions find them.
	legLinger = 2 * time.Minute
	// maxTalk ends an answered call whose BYE never passed the proxy (the
	// PBX routed it elsewhere, or it was lost), so it does not stay
	// active, and in memory, forever.
	maxTalk = 12 * time.Hour
)

type leg struct {
	dir     call.Direction
	fromTag string
	cseq    uint32 // CSeq number of the current initial INVITE
	phone   flow   // where the softphone is, for in-dialog requests to it
	// cancel is the outcome a CANCEL announced; the call ends with it when
	// the INVITE's final response arrives (a 200 may still cross it).
	cancel   call.Outcome
	answered bool
	answerAt time.Time
	ended    time.Time
	// deadline ends the call with onDeadline if nothing else did by then.
	deadline   time.Time
	onDeadline call.Outcome
}

type callObserver struct {
	tr          *Tracker
	ringTimeout time.Duration
	now         func() time.Time

	// invites counts initial INVITEs relayed, retransmissions included.
	invites atomic.Int64

	mu   sync.Mutex
	legs map[string]*leg
	// dialogs holds the softphone's flow for its other dialogs
	// (SUBSCRIBE, REFER), so the PBX's in-dialog requests find it.
	dialogs map[string]dialogFlow
}

type dialogFlow struct {
	phone flow
	seen  time.Time
}

// dialogLinger is how long a non-call dialog's flow is kept after its
// last request; subscriptions refresh well within it.
const dialogLinger = 2 * time.Hour

// maxDialogs bounds the remembered non-call dialogs.
const maxDialogs = 4096

func newCallObserver(tr *Tracker, ringTimeout time.Duration) *callObserver {
	return &callObserver{tr: tr, ringTimeout: ringTimeout, now: time.Now, legs: map[string]*leg{}, dialogs: map[string]dialogFlow{}}
}

// request observes a request the proxy forwards; dir is In when it goes
// to the softphone, phone the softphone's flow.
func (o *callObserver) request(req *sipmsg.Request, dir call.Direction, phone flow) {
	id := req.CallID().Value()
	switch req.Method {
	case sipmsg.INVITE:
		if _, tagged := req.To().Params.Get("tag"); tagged {
			return // re-INVITE
		}
		o.invite(req, id, dir, phone)
	case sipmsg.CANCEL:
		o.cancelled(req, id)
	case sipmsg.BYE:
		o.end(id, call.Answered)
	case sipmsg.SUBSCRIBE, sipmsg.REFER, sipmsg.NOTIFY:
		o.mu.Lock()
		if _, ok := o.dialogs[id]; ok || len(o.dialogs) < maxDialogs {
			o.dialogs[id] = dialogFlow{phone: phone, seen: o.now()}
		}
		o.mu.Unlock()
	}
}

func (o *callObserver) invite(req *sipmsg.Request, id string, dir call.Direction, phone flow) {
	o.invites.Add(1)
	now := o.now()
	ft, _ := req.From().Params.Get("tag")
	o.mu.Lock()
	if l, ok := o.legs[id]; ok {
		// A retransmission, or the INVITE re-sent with credentials after
		// a challenge: the same call, now waiting on the new CSeq.
		if req.CSeq().SeqNo > l.cseq && l.ended.IsZero() && !l.answered {
			l.cseq = req.CSeq().SeqNo
			l.deadline, l.onDeadline = now.Add(o.ringTimeout), call.Missed
		}
		o.mu.Unlock()
		return
	}
	o.legs[id] = &leg{dir: dir, fromTag: ft, cseq: req.CSeq().SeqNo, phone: phone,
		deadline: now.Add(o.ringTimeout), onDeadline: call.Missed}
	o.mu.Unlock()
	o.tr.Ring(inviteObservation(req, dir, now))
}

func (o *callObserver) cancelled(req *sipmsg.Request, id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l, ok := o.legs[id]
	if !ok || l.answered || !l.ended.IsZero() {
		return
	}
	l.cancel = cancelOutcome(l.dir, req)
	// The 487 normally follows at once; if it is lost, end anyway.
	l.deadline, l.onDeadline = o.now().Add(challengeWait), l.cancel
}

// cancelOutcome reads why a call was cancelled: RFC 3326 Reason cause
// 200 (or the text some PBXs send alone) means another phone took it.
func cancelOutcome(dir call.Direction, req *sipmsg.Request) call.Outcome {
	for _, h := range req.GetHeaders("Reason") {
		v := strings.ToLower(h.Value())
		if strings.Contains(v, "completed elsewhere") || reasonCause(v) == "200" {
			return call.AnsweredElsewhere
		}
	}
	if dir == call.Out {
		return call.Cancelled
	}
	return call.Missed
}

// reasonCause returns the cause parameter of a SIP Reason header value.
func reasonCause(v string) string {
	for _, part := range splitList(v) {
		part = strings.TrimSpace(part)
		if !strings.HasPrefix(strings.ToLower(part), "sip") {
			continue
		}
		for _, param := range strings.Split(part, ";")[1:] {
			k, val, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(strings.TrimSpace(k), "cause") {
				return strings.TrimSpace(val)
			}
		}
	}
	return ""
}

// response observes a response the proxy forwards.
func (o *callObserver) response(res *sipmsg.Response) {
	cs, cid, from := res.CSeq(), res.CallID(), res.From()
	if cs == nil || cid == nil || from == nil || cs.MethodName != sipmsg.INVITE || res.StatusCode < 200 {
		return
	}
	id := cid.Value()
	ft, _ := from.Params.Get("tag")
	now := o.now()
	o.mu.Lock()
	l, ok := o.legs[id]
	if !ok || cs.SeqNo != l.cseq || ft != l.fromTag || !l.ended.IsZero() {
		o.mu.Unlock()
		return
	}
	switch {
	case res.IsSuccess():
		first := !l.answered
		if first {
			l.answerAt = now
		}
		l.answered, l.deadline = true, time.Time{}
		o.mu.Unlock()
		if first {
			o.tr.Answer(id, now)
		}
		return
	case l.answered:
		// A fork failing after another answered changes nothing.
		o.mu.Unlock()
		return
	case res.StatusCode == 401 || res.StatusCode == 407:
		// The softphone will re-send with credentials; wait for that.
		l.deadline, l.onDeadline = now.Add(challengeWait), call.Failed
		o.mu.Unlock()
		return
	}
	outcome := l.cancel
	if outcome == "" {
		outcome = finalOutcome(l.dir, res.StatusCode)
	}
	l.ended = now
	o.mu.Unlock()
	o.tr.End(id, outcome, now)
}

// finalOutcome maps a final non-2xx answer to the initial INVITE.
func finalOutcome(dir call.Direction, code int) call.Outcome {
	switch code {
	case 486, 600:
		return call.Busy
	case 603:
		return call.Rejected
	case 408, 480:
		return call.Missed
	case 487:
		if dir == call.Out {
			return call.Cancelled
		}
		return call.Missed
	}
	return call.Failed
}

func (o *callObserver) end(id string, outcome call.Outcome) {
	now := o.now()
	o.mu.Lock()
	l, ok := o.legs[id]
	if !ok || !l.ended.IsZero() {
		o.mu.Unlock()
		return
	}
	l.ended = now
	o.mu.Unlock()
	o.tr.End(id, outcome, now)
}

// phoneFlow returns the softphone's flow of a known call.
func (o *callObserver) phoneFlow(id string) (flow, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if l, ok := o.legs[id]; ok && l.phone.Addr != "" {
		return l.phone, true
	}
	if d, ok := o.dialogs[id]; ok {
		return d.phone, true
	}
	return flow{}, false
}

// hasFlow reports whether a call or dialog in progress uses the
// softphone at addr.
func (o *callObserver) hasFlow(addr string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, l := range o.legs {
		if l.ended.IsZero() && l.phone.Addr == addr {
			return true
		}
	}
	for _, d := range o.dialogs {
		if d.phone.Addr == addr {
			return true
		}
	}
	return false
}

// active reports whether a call is in progress.
func (o *callObserver) active() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, l := range o.legs {
		if l.ended.IsZero() {
			return true
		}
	}
	return false
}

// expire ends calls whose deadline passed and forgets old ended ones.
func (o *callObserver) expire(now time.Time) {
	type due struct {
		id      string
		outcome call.Outcome
	}
	var ends []due
	o.mu.Lock()
	for id, d := range o.dialogs {
		if now.Sub(d.seen) > dialogLinger {
			delete(o.dialogs, id)
		}
	}
	for id, l := range o.legs {
		switch {
		case !l.ended.IsZero():
			if now.Sub(l.ended) > legLinger {
				delete(o.legs, id)
			}
		case !l.answered && !l.deadline.IsZero() && now.After(l.deadline):
			l.ended = now
			ends = append(ends, due{id, l.onDeadline})
		case l.answered && now.Sub(l.answerAt) > maxTalk:
			l.ended = now
			ends = append(ends, due{id, call.Answered})
		}
	}
	o.mu.Unlock()
	for _, d := range ends {
		o.tr.End(d.id, d.outcome, now)
	}
}

// invitesSeen returns how many initial INVITEs the proxy relayed,
// retransmissions included.
func (p *Proxy) invitesSeen() int64 { return p.calls.invites.Load() }
