package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// A caller's name shows in the window as the caller sent it, markup
// characters and all (a label draws them as text), and only the
// notification, whose body may be read as markup, defuses them.
func TestCallerNameShowsAsSent(t *testing.T) {
	const name = "Müller & Söhne <GmbH>"
	c := call.Call{ID: "c1", Direction: call.In, Caller: call.Party{Number: "+4930123", Name: name},
		Start: sampleStart(), End: sampleStart().Add(5e9), Outcome: call.Answered}
	failed := DeliveryRow{WebhookID: "w1", HookName: "Log & file", State: hooks.StateFailed, StatusCode: 500}

	h := newHarness(t, sampleConfig(), Options{})
	h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		return []CallRow{{Call: c, Deliveries: []DeliveryRow{failed}}}, nil
	}
	h.u.tabs.SelectIndex(1)
	h.settle()
	if text := labels(h.u.calls.content); !strings.Contains(text, name+" +4930123") {
		t.Errorf("Calls tab lacks %q as sent in:\n%s", name, text)
	}

	_, body := FailureNotice(langEnglish, Event{Kind: DeliveryDone, Call: c, Delivery: failed})
	if want := "Log ＆ file failed for the call with Müller ＆ Söhne ‹GmbH› +4930123: HTTP 500"; body != want {
		t.Errorf("notification %q, want %q", body, want)
	}
}
