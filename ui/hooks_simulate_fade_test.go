package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// fakeClock stands in for UI.after: timers run when the test says.
type fakeClock struct{ timers []*fakeTimer }

type fakeTimer struct {
	d             time.Duration
	f             func()
	stopped, done bool
}

func (c *fakeClock) after(d time.Duration, f func()) func() {
	t := &fakeTimer{d: d, f: f}
	c.timers = append(c.timers, t)
	return func() { t.stopped = true }
}

// pending returns the timers neither stopped nor run.
func (c *fakeClock) pending() []*fakeTimer {
	var out []*fakeTimer
	for _, t := range c.timers {
		if !t.stopped && !t.done {
			out = append(out, t)
		}
	}
	return out
}

// fire runs the one pending timer, which must be set to d.
func (c *fakeClock) fire(t *testing.T, d time.Duration) {
	t.Helper()
	p := c.pending()
	if len(p) != 1 {
		t.Fatalf("%d timers pending, want one of %v", len(p), d)
	}
	if p[0].d != d {
		t.Fatalf("the timer is set to %v, want %v", p[0].d, d)
	}
	p[0].done = true
	p[0].f()
}

// simJournal is what the fake engine says of the simulated call: whether
// it still plays and the state of its delivery.
type simJournal struct {
	mu      sync.Mutex
	playing bool
	state   hooks.State
}

func (j *simJournal) set(playing bool, state hooks.State) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.playing, j.state = playing, state
}

func (j *simJournal) serve(b *fakeBackend) {
	sim := call.Call{ID: simulatedIDPrefix + "1@callhook", Direction: call.In, Caller: call.Party{Number: "+49301234567"}, Start: sampleStart()}
	b.ActiveCallsFn = func() []call.Call {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.playing {
			return []call.Call{sim}
		}
		return nil
	}
	b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		j.mu.Lock()
		defer j.mu.Unlock()
		return []CallRow{{Call: sim, Deliveries: []DeliveryRow{{WebhookID: "w1", HookID: "log", Trigger: call.IncomingHangup, State: j.state}}}}, nil
	}
}

// "Simulated call done…" holds while the call plays and its deliveries
// run, then goes: simLinger after the last delivery is final.
func TestSimulateStatusClearsAfterTheDeliveries(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	clock := &fakeClock{}
	h.u.after = clock.after
	recordSimulations(h)
	j := &simJournal{playing: true, state: hooks.StatePending}
	j.serve(h.b)
	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	status := h.u.hooks.status
	shown := func(when string) {
		t.Helper()
		if !status.Visible() || status.Text == "" {
			t.Fatalf("the status is gone %s", when)
		}
	}
	shown("right after the start")

	clock.fire(t, simCallLength)
	h.settle()
	shown("while the call plays")
	j.set(false, hooks.StatePending)
	clock.fire(t, simPoll)
	h.settle()
	shown("while a delivery is pending")
	j.set(false, hooks.StateDelivered)
	clock.fire(t, simPoll)
	h.settle()
	shown("as soon as the deliveries are done")
	clock.fire(t, simLinger)
	if status.Visible() {
		t.Errorf("the status %q stays after the deliveries are done", status.Text)
	}
	if p := clock.pending(); len(p) != 0 {
		t.Errorf("%d timers left running", len(p))
	}
}

// A delivery that retries for hours does not keep the line: it goes
// simWaitMax after the call, simLinger later.
func TestSimulateStatusDoesNotWaitForever(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	clock := &fakeClock{}
	h.u.after = clock.after
	recordSimulations(h)
	j := &simJournal{state: hooks.StatePending}
	j.serve(h.b)
	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	clock.fire(t, simCallLength)
	h.settle()
	for range simWaitMax / simPoll {
		clock.fire(t, simPoll)
		h.settle()
	}
	if !h.u.hooks.status.Visible() {
		t.Fatal("the status went before its time")
	}
	clock.fire(t, simLinger)
	if h.u.hooks.status.Visible() {
		t.Errorf("the status %q stays", h.u.hooks.status.Text)
	}
}

// Another action takes the line away at once: a new simulation replaces
// it (and its timer), going to another tab ends it.
func TestSimulateStatusClearsOnTheNextAction(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	clock := &fakeClock{}
	h.u.after = clock.after
	recordSimulations(h)
	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	first := clock.pending()
	test.Tap(openSimulate(t, h).simulate)
	if len(first) != 1 || !first[0].stopped {
		t.Error("a new simulation left the old one's timer running")
	}
	h.settle()
	if !h.u.hooks.status.Visible() {
		t.Fatal("the second simulation shows no status")
	}
	h.u.tabs.SelectIndex(1)
	h.settle()
	h.u.tabs.SelectIndex(0)
	if h.u.hooks.status.Visible() {
		t.Errorf("the status %q stays after the user went to the Calls tab", h.u.hooks.status.Text)
	}
	if p := clock.pending(); len(p) != 0 {
		t.Errorf("%d timers left running", len(p))
	}
}
