package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// The Calls tab names triggers as the editor does, in the window's
// language; the detail adds the wire name. A queue name, which comes
// from the PBX, shows sanitised in the list as in the detail.
func TestCallsTabNamesTriggersAsTheEditor(t *testing.T) {
	start := sampleStart()
	rows := []CallRow{{
		Call: call.Call{ID: "c1", Direction: call.In, Queue: "sales\u202Egnp.exe\x1b[2J", Caller: call.Party{Number: "+4930555"},
			Start: start, End: start.Add(time.Minute), Outcome: call.Answered},
		Deliveries: []DeliveryRow{
			{WebhookID: "w1", HookID: "crm", HookName: "Open CRM", Trigger: call.QueueAnswer, State: hooks.StateDelivered, Attempts: 1},
			{WebhookID: "w2", HookID: "log", HookName: "Log call", Trigger: "queue.rnig\u202E", State: hooks.StateDropped, Attempts: 1},
		},
	}}
	tests := []struct {
		language             string
		row, detail, unknown string
	}{
		{langEnglish, "Open CRM · Queue calls: Answered · delivered", "Queue calls: Answered (queue.answer)", "Log call · queue.rnig"},
		{langGerman, "Open CRM · Warteschlangen-Anrufe: Angenommen · zugestellt", "Warteschlangen-Anrufe: Angenommen (queue.answer)", "Log call · queue.rnig"},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = tt.language
			h, _ := historyHarness(t, cfg, rows)
			text := labels(h.u.calls.history)
			for _, want := range []string{tt.row, tt.unknown} {
				if !strings.Contains(text, want) {
					t.Errorf("the history lacks %q:\n%s", want, text)
				}
			}
			for _, bad := range []string{"\u202E", "\x1b"} {
				if strings.Contains(text, bad) {
					t.Errorf("the history shows %q unescaped:\n%s", bad, text)
				}
			}
			if !strings.Contains(text, "sales") {
				t.Errorf("the history lacks the queue:\n%s", text)
			}
			test.Tap(buttonsNamed(h.u.calls.history, h.u.l.T("Details"))[0])
			if d := labels(h.u.calls.detail); !strings.Contains(d, tt.detail) {
				t.Errorf("the detail lacks %q:\n%s", tt.detail, d)
			}
		})
	}
}
