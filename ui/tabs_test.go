package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func TestHookSwitchSaves(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	tapCheck(h.u.hooks.rows["log"].enabled)
	h.settle()
	if m := h.u.banner.message(); m != "" {
		t.Fatalf("banner: %s", m)
	}
	got := h.b.lastSaved(t)
	if hk, _ := got.Hook("log"); hk.Enabled {
		t.Error("hook log still enabled in the saved config")
	}
	if hk, _ := got.Hook("crm"); !hk.Enabled {
		t.Error("the switch changed another hook")
	}
}

func TestEmptyStateOffersAddHookAndSimulate(t *testing.T) {
	cfg := hooks.Default()
	h := newHarness(t, cfg, Options{})
	simulated := make(chan call.Direction, 1)
	h.b.SimulateWithFn = func(_ context.Context, d call.Direction, remote, name, queue string) error {
		simulated <- d
		return nil
	}
	buttons := findButtons(h.u.hooks.list)
	for _, want := range []string{"Add hook", "Simulate a call"} {
		if buttons[want] == nil {
			t.Fatalf("empty state lacks %q; has %v", want, keys(buttons))
		}
	}
	test.Tap(buttons["Simulate a call"])
	test.Tap(button(t, h.u.win.Canvas().Overlays().Top(), "Simulate"))
	h.settle()
	if d := receive(t, simulated, "the simulated call"); d != call.In {
		t.Errorf("simulated direction %q", d)
	}
	test.Tap(buttons["Add hook"])
	if h.u.hooks.editor == nil || !h.u.hooks.editor.isNew {
		t.Fatal("Add hook did not open the editor on a new hook")
	}
	e := h.u.hooks.editor
	e.name.SetText("My CRM")
	e.url.SetText("https://crm.example.com/?p={remote}")
	h.settle()
	if hk, ok := h.b.lastSaved(t).Hook("my-crm"); !ok || hk.Name != "My CRM" {
		t.Errorf("new hook not saved as my-crm: %+v", h.b.lastSaved(t).Hooks)
	}
}

func TestDeleteAndDuplicate(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.duplicate("crm")
	h.settle()
	dup, ok := h.b.lastSaved(t).Hook("crm-2")
	if !ok || dup.Name != "Open CRM (copy)" || dup.URL != sampleConfig().Hooks[0].URL {
		t.Fatalf("duplicate = %+v", dup)
	}
	test.Tap(findButtons(h.u.hooks.list)["Delete"])
	h.settle()
	if _, ok := h.b.lastSaved(t).Hook("crm"); ok || len(h.b.lastSaved(t).Hooks) != 2 {
		t.Errorf("after deleting crm: %+v", h.b.lastSaved(t).Hooks)
	}
}

func TestCallsTabShowsHistoryAndResends(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	start := sampleStart()
	h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		return []CallRow{{
			Call: call.Call{ID: "c1", Direction: call.In, Caller: call.Party{Number: "+4930123", Name: "Jane\u202E Doe"},
				Start: start, Answer: start.Add(5e9), End: start.Add(65e9), Outcome: call.Answered},
			Deliveries: []DeliveryRow{
				{WebhookID: "w-ok", HookName: "Open CRM", Trigger: call.IncomingAnswer, State: hooks.StateDelivered},
				{WebhookID: "w-bad", HookName: "Log call", Trigger: call.IncomingHangup, State: hooks.StateFailed, StatusCode: 503, Attempts: 6, Err: "HTTP 503"},
			},
		}}, nil
	}
	h.b.ActiveCallsFn = func() []call.Call {
		return []call.Call{{ID: "c2", Direction: call.Out, Callee: call.Party{Number: "0891234"}, Start: start}}
	}
	resent := make(chan string, 1)
	h.b.ResendFn = func(_ context.Context, id string) error { resent <- id; return nil }

	h.u.tabs.SelectIndex(1)
	h.settle()
	text := labels(h.u.calls.content)
	for _, want := range []string{"Jane Doe +4930123", "1:00", "Log call · Incoming calls: Ended · failed · HTTP 503 · 6 attempts", "Outgoing 0891234 · ringing"} {
		if !strings.Contains(text, want) {
			t.Errorf("Calls tab lacks %q in:\n%s", want, text)
		}
	}
	btn := findButtons(h.u.calls.content)["Re-send"]
	if btn == nil {
		t.Fatal("no Re-send button for the failed delivery")
	}
	test.Tap(btn)
	h.settle()
	if id := receive(t, resent, "the re-send"); id != "w-bad" {
		t.Errorf("re-sent %q, want w-bad", id)
	}
	if btn.Text != "Queued" || !btn.Disabled() {
		t.Errorf("button after re-send: %q disabled=%v", btn.Text, btn.Disabled())
	}
}

// receive returns what c delivers, or fails the test after a time no
// healthy machine needs: it guards against a hang, it does not measure.
func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	var v T
	select {
	case v = <-c:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never happened", what)
	}
	return v
}

func TestCallsTabReloadsAfterEventDuringLoad(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	start := sampleStart()
	var loads atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		n := loads.Add(1)
		entered <- struct{}{}
		if n == 1 {
			<-release
			return nil, nil
		}
		return []CallRow{{Call: call.Call{ID: "c1", Direction: call.In, Caller: call.Party{Number: "+4930999"},
			Start: start, End: start.Add(5e9), Outcome: call.Missed}}}, nil
	}
	h.u.tabs.SelectIndex(1)
	receive(t, entered, "the first load")
	// A call ends while the first load reads the journal: its event
	// arrives before that load's rows are shown.
	h.u.calls.changed()
	close(release)
	h.settle()
	if n := loads.Load(); n != 2 {
		t.Errorf("history loaded %d times, want 2 (once more for the event during the first load)", n)
	}
	if text := labels(h.u.calls.content); !strings.Contains(text, "+4930999") {
		t.Errorf("Calls tab lacks the call that ended during the load:\n%s", text)
	}
}
