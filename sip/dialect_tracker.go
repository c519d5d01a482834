package sip

import (
	"time"

	"github.com/callhook/callhook/call"
)

// endUnknown ends an outgoing call whose outcome the source cannot know:
// Asterisk's extension state and FreeSWITCH show a call the agent places
// as in use from dialling on, so nothing tells whether, or when, the other
// party answered. The hangup fires with an empty {outcome} and no answer
// time, rather than with an outcome that may be false. End's rules
// (answered only with an answer time, failed when no outcome is given)
// fit sources that see the answer; this one does not.
func (t *Tracker) endUnknown(id string, at time.Time) {
	if at.IsZero() {
		at = t.now()
	}
	t.mu.Lock()
	tc, ok := t.calls[id]
	if !ok || !tc.ended.IsZero() || tc.c.Direction != call.Out {
		t.mu.Unlock()
		return
	}
	tc.ended, tc.c.End, tc.c.Outcome = at, at, ""
	if ev, ok := t.fireLocked(tc, call.PhaseHangup, at); ok {
		t.emitLocked(ev)
		return
	}
	t.emitLocked()
}
