package sip

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/siptest"
)

// recorder is a tracker handler that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []call.Event
}

func (r *recorder) handle(ev call.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

func (r *recorder) snapshot() []call.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call.Event(nil), r.events...)
}

// settle waits until n events arrived and for siptest.Quiet more, failing
// the test if fewer came. It returns all that came, for the caller to
// compare: a duplicate shows as one event too many.
func (r *recorder) settle(t *testing.T, n int) []call.Event {
	t.Helper()
	siptest.Settle(t, "events", n, 10*time.Second, func() int { return len(r.snapshot()) })
	return r.snapshot()
}

// testWriter sends log lines to t.Log while the test runs.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// want is one expected event.
type want struct {
	trigger call.Trigger
	outcome call.Outcome // checked on hangup and missed
}

func checkEvents(t *testing.T, got []call.Event, caller, callee, queue string, wants ...want) {
	t.Helper()
	var names []string
	for _, ev := range got {
		names = append(names, fmt.Sprintf("%s(%s)", ev.Trigger, ev.Call.Outcome))
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d events %v, want %d", len(got), names, len(wants))
	}
	id := got[0].Call.ID
	for i, w := range wants {
		ev := got[i]
		if ev.Trigger != w.trigger {
			t.Errorf("event %d: trigger %s, want %s (all: %v)", i, ev.Trigger, w.trigger, names)
		}
		if ev.Call.ID != id || id == "" {
			t.Errorf("event %d: call id %q, want %q for every event", i, ev.Call.ID, id)
		}
		if ev.Call.Caller.Number != caller || ev.Call.Callee.Number != callee {
			t.Errorf("event %d: caller %q callee %q, want %q %q", i, ev.Call.Caller.Number, ev.Call.Callee.Number, caller, callee)
		}
		if ev.Call.Queue != queue {
			t.Errorf("event %d: queue %q, want %q", i, ev.Call.Queue, queue)
		}
		ph := w.trigger.Phase()
		if (ph == call.PhaseHangup || ph == call.PhaseMissed) && ev.Call.Outcome != w.outcome {
			t.Errorf("event %d %s: outcome %q, want %q", i, ev.Trigger, ev.Call.Outcome, w.outcome)
		}
		if ph == call.PhaseHangup {
			d := ev.Call.Duration(ev.At)
			if w.outcome == call.Answered && d <= 0 {
				t.Errorf("event %d %s: duration %v, want > 0 for an answered call", i, ev.Trigger, d)
			}
			if w.outcome != call.Answered && d != 0 {
				t.Errorf("event %d %s: duration %v, want 0 for an unanswered call", i, ev.Trigger, d)
			}
		}
	}
}
