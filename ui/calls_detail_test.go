package ui

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func TestDeliveryDetailShowsFieldsAndHostileErrorEscaped(t *testing.T) {
	start := sampleStart()
	hostile := "HTTP 502 from the CRM: \u202Eexe.3pm\u202C \x1b[2J<b>bold</b>\r\nsecond line\u2066"
	rows := []CallRow{{
		Call: call.Call{ID: "c9", Direction: call.In, Queue: "support", Caller: call.Party{Number: "+4930555", Name: "Eve"},
			Start: start, End: start.Add(10 * time.Second), Outcome: call.Missed},
		Deliveries: []DeliveryRow{
			{WebhookID: "w-ok", HookID: "crm", HookName: "Open CRM", Trigger: call.QueueRing, State: hooks.StateDelivered, Attempts: 1},
			{WebhookID: "msg_2bX9", HookID: "log", HookName: "Log call", Trigger: call.QueueHangup, Action: "post",
				State: hooks.StateFailed, StatusCode: 502, Attempts: 6, Latency: 87 * time.Millisecond, Err: hostile, At: start.Add(40 * time.Second)},
		},
	}}
	h, _ := historyHarness(t, sampleConfig(), rows)
	resent := make(chan string, 1)
	h.b.ResendFn = func(_ context.Context, id string) error { resent <- id; return nil }

	details := buttonsNamed(h.u.calls.history, "Details")
	if len(details) != 2 {
		t.Fatalf("%d Details buttons, want one per delivery", len(details))
	}
	test.Tap(details[1])
	if h.u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Details opened no dialog")
	}
	d := h.u.calls.detail
	text := labels(d)
	for _, want := range []string{"Log call (log)", string(call.QueueHangup), "post", "failed", "502", "6", "87 ms",
		"msg_2bX9", start.Add(40 * time.Second).Local().Format(timeLayout), "Eve +4930555", "queue support",
		"HTTP 502 from the CRM:", "exe.3pm", "second line"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q in:\n%s", want, text)
		}
	}
	visit(d, func(o fyne.CanvasObject) {
		l, ok := o.(*widget.Label)
		if !ok {
			return
		}
		for _, r := range l.Text {
			if isBidiControl(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Errorf("detail shows %U unescaped in %q", r, l.Text)
			}
		}
	})

	resend := buttonsNamed(d, "Re-send")
	if len(resend) != 1 {
		t.Fatalf("%d Re-send buttons in the detail of a failed delivery, want 1", len(resend))
	}
	test.Tap(resend[0])
	h.settle()
	if id := receive(t, resent, "the re-send"); id != "msg_2bX9" {
		t.Errorf("re-sent %q, want msg_2bX9", id)
	}

	test.Tap(details[0])
	if n := len(buttonsNamed(h.u.calls.detail, "Re-send")); n != 0 {
		t.Errorf("the detail of a delivered delivery offers Re-send")
	}
}
