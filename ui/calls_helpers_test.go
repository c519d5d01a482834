package ui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// sampleHistory has a call of each kind the search and filter tell
// apart, newest first as History returns them.
func sampleHistory() []CallRow {
	start := sampleStart()
	return []CallRow{
		{Call: call.Call{ID: "c1", Direction: call.In, Caller: call.Party{Number: "+49 30 1234567", Name: "Jane Doe"},
			Callee: call.Party{Number: "201"}, Start: start, Answer: start.Add(3 * time.Second), End: start.Add(63 * time.Second), Outcome: call.Answered},
			Deliveries: []DeliveryRow{
				{WebhookID: "w1", HookID: "crm", HookName: "Open CRM", Trigger: call.IncomingAnswer, Action: "browser", State: hooks.StateDelivered, Attempts: 1},
				{WebhookID: "w2", HookID: "log", HookName: "Log call", Trigger: call.IncomingHangup, Action: "post", State: hooks.StateDelivered,
					StatusCode: 200, Attempts: 1, Latency: 120 * time.Millisecond},
			}},
		{Call: call.Call{ID: "c2", Direction: call.In, Caller: call.Party{Number: "0891112233", Name: "Max Mustermann"},
			Start: start.Add(-time.Hour), End: start.Add(-time.Hour + 20*time.Second), Outcome: call.Missed},
			Deliveries: []DeliveryRow{
				{WebhookID: "w3", HookID: "log", HookName: "Log call", Trigger: call.IncomingMissed, Action: "post", State: hooks.StateFailed,
					Attempts: 6, Latency: 300 * time.Microsecond, Err: "dial tcp 127.0.0.1:8099: connect: connection refused"},
			}},
		{Call: call.Call{ID: "c3", Direction: call.Out, Caller: call.Party{Number: "201"}, Callee: call.Party{Number: "+1 555 0100", Name: "ACME Support"},
			Start: start.Add(-2 * time.Hour), Answer: start.Add(-2*time.Hour + time.Second), End: start.Add(-2*time.Hour + 11*time.Second), Outcome: call.Answered}},
		{Call: call.Call{ID: "sim-1772443800000000000@callhook", Direction: call.In, Caller: call.Party{Number: "+49 30 1234567", Name: "Jane Doe"},
			Start: start.Add(-3 * time.Hour), End: start.Add(-3*time.Hour + 25*time.Second), Outcome: call.Missed},
			Deliveries: []DeliveryRow{
				{WebhookID: "w4", HookID: "crm", HookName: "Open CRM", Trigger: call.IncomingAnswer, Action: "browser", State: hooks.StateDropped, Attempts: 1},
			}},
	}
}

// historyHarness opens the Calls tab on rows; loads counts the times the
// history was read.
func historyHarness(t *testing.T, cfg *hooks.Config, rows []CallRow) (*harness, *atomic.Int32) {
	t.Helper()
	h := newHarness(t, cfg, Options{})
	var loads atomic.Int32
	h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		loads.Add(1)
		return rows, nil
	}
	h.u.tabs.SelectIndex(1)
	h.settle()
	return h, &loads
}

// shownIDs returns the ids of the calls the history shows.
func shownIDs(c *callsTab) []string {
	var ids []string
	for _, r := range c.shown {
		ids = append(ids, r.Call.ID)
	}
	return ids
}

// buttonsNamed returns every button under o with this text, in order.
func buttonsNamed(o fyne.CanvasObject, text string) []*widget.Button {
	var out []*widget.Button
	visit(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			out = append(out, b)
		}
	})
	return out
}
