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

// The detail shows the request as sent (from the journal, secrets
// masked) and every attempt with its response excerpt; text from the
// network keeps its lines and loses its control and bidi characters.
func TestDeliveryDetailShowsRequestAndAttempts(t *testing.T) {
	start := sampleStart()
	rows := []CallRow{{
		Call: call.Call{ID: "c1", Direction: call.In, Caller: call.Party{Number: "+4930555"}, Start: start, Outcome: call.Missed},
		Deliveries: []DeliveryRow{{WebhookID: "msg_1", HookID: "log", Trigger: call.IncomingMissed, State: hooks.StateFailed,
			StatusCode: 503, Attempts: 2}},
	}}
	h, _ := historyHarness(t, sampleConfig(), rows)
	asked := make(chan string, 1)
	h.b.DeliveryFn = func(_ context.Context, id string) (DeliveryDetail, error) {
		asked <- id
		return DeliveryDetail{
			Request: "POST https://crm.example.com/calls\nAuthorization: ***\n\n{\"name\":\"<b>\u202Eevil\"}",
			Attempts: []AttemptRow{
				{At: start, StatusCode: 503, Latency: 12 * time.Millisecond, Err: "HTTP 503 Service Unavailable", Response: "busy\x1b[2J, try later"},
				{At: start.Add(time.Second), Err: "could not connect to crm.example.com:443: nothing is listening there"},
			},
		}, nil
	}
	test.Tap(buttonsNamed(h.u.calls.history, "Details")[0])
	h.settle()
	if id := receive(t, asked, "the delivery detail"); id != "msg_1" {
		t.Errorf("asked for %q, want msg_1", id)
	}
	text := labels(h.u.calls.detail)
	for _, want := range []string{"POST https://crm.example.com/calls\nAuthorization: ***", `{"name":"<b>evil"}`,
		"1. ", "HTTP 503", "12 ms", "busy[2J, try later", "2. ", "nothing is listening there"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q in:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "\u202E\x1b") {
		t.Errorf("detail shows control or bidi characters:\n%q", text)
	}
	if strings.Contains(text, "Loading the request") {
		t.Error("the detail still says it is loading")
	}
}
