package sip

import (
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
)

// extLine is one watched extension as Asterisk's extension state shows
// it: a line that rings (early), is in use (confirmed, also while held)
// or is idle (terminated). There are no calls in such documents, so the
// mapper makes them up from the changes: a ring starts an incoming call,
// in use without a ring before it is an outgoing call, idle ends either.
// One call at a time: while the line is in use, a second call ringing
// (call waiting) cannot be told apart from the first.
type extLine struct {
	// seen: a document arrived since Callhook started. The first one
	// says how the line was before we looked, not what changed.
	seen bool
	// busy: in use by a call we did not see start; it fires nothing.
	busy bool
	cur  *extCall
}

// extCall is the call in progress on an extLine.
type extCall struct {
	id       string
	dir      call.Direction
	answered bool
}

// extLocked applies one extension-state dialog of entity.
func (m *dialogMapper) extLocked(entity string, e DialogElem, at time.Time) {
	l := m.lines[entity]
	if l == nil {
		l = &extLine{}
		m.lines[entity] = l
	}
	first := !l.seen
	l.seen = true
	switch e.State {
	case DialogTrying, DialogProceeding, DialogEarly:
		// Early after confirmed is Asterisk's "in use and ringing" with
		// notify_early_inuse_ringing: a second call waiting, which the
		// document does not tell from the first. The first call goes on.
		if l.cur != nil || l.busy {
			return
		}
		l.cur = &extCall{id: m.extID(entity, at), dir: call.In}
		m.tr.Ring(extObservation(l.cur, entity, e, at))
	case DialogConfirmed:
		switch {
		case l.cur != nil && l.cur.dir == call.In && !l.cur.answered:
			l.cur.answered = true
			m.tr.Answer(l.cur.id, at)
		case l.cur != nil || l.busy:
			// Held, resumed, or still in use.
		case first:
			l.busy = true
		default:
			l.cur = &extCall{id: m.extID(entity, at), dir: call.Out}
			m.tr.Ring(extObservation(l.cur, entity, e, at))
		}
	case DialogTerminated:
		m.extEndLocked(l, at)
	}
}

// extEndLocked ends the line's call: an incoming one answered or missed;
// an outgoing one with no outcome, since in use says nothing of whether
// the other party answered.
func (m *dialogMapper) extEndLocked(l *extLine, at time.Time) {
	c := l.cur
	l.cur, l.busy = nil, false
	switch {
	case c == nil:
	case c.dir == call.Out:
		m.tr.endUnknown(c.id, at)
	case c.answered:
		m.tr.End(c.id, call.Answered, at)
	default:
		m.tr.End(c.id, call.Missed, at)
	}
}

// extID makes a call id for an extension-state call: the extension, the
// start time and a counter, unique across restarts and entities.
func (m *dialogMapper) extID(entity string, at time.Time) string {
	m.seq++
	return "ext-" + uriUser(entity) + "-" + strconv.FormatInt(at.UnixNano(), 36) + "-" + strconv.FormatUint(m.seq, 36)
}

// extObservation is what an extension-state document tells of a call:
// the watched extension, and for an incoming call the caller when the PBX
// names one (chan_sip notifycid, newer PJSIP while ringing).
func extObservation(c *extCall, entity string, e DialogElem, at time.Time) Observation {
	agent := call.Party{Number: uriUser(entity)}
	o := Observation{ID: c.id, Direction: c.dir, At: at}
	if c.dir == call.Out {
		o.Caller = agent
		return o
	}
	o.Caller, o.Callee = extCaller(e.Remote), agent
	return o
}

// extCaller cleans the caller Asterisk names: "invalid" stands for a
// caller without a valid number (PJSIP), an empty user part for the same
// in chan_sip.
func extCaller(p call.Party) call.Party {
	if strings.EqualFold(p.Number, "invalid") {
		p.Number = ""
	}
	return p
}
