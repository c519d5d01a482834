package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// A test's result in words: delivered or not and why; a time only for an
// answer that took one; what a browser hook opened, as opened.
func TestTestText(t *testing.T) {
	refused := "could not connect to 127.0.0.1:8099: nothing is listening there"
	opened := "https://crm.example.com/search?phone=%2B4930123&source=callhook"
	tests := []struct {
		name   string
		lang   string
		action string
		res    TestResult
		err    error
		want   string
	}{
		{"delivered", langEnglish, hooks.ActionPost,
			TestResult{Status: 200, Latency: 12 * time.Millisecond, Excerpt: "ok"}, nil,
			"Delivered · HTTP 200 · 12 ms\nok"},
		{"an instant answer", langEnglish, hooks.ActionGet,
			TestResult{Status: 204, Latency: 300 * time.Microsecond}, nil,
			"Delivered · HTTP 204 · < 1 ms"},
		{"nothing listening: no 0 ms", langEnglish, hooks.ActionPost,
			TestResult{Latency: 300 * time.Microsecond, Err: refused}, errors.New(refused),
			"Not delivered: " + refused},
		{"an error status with its time", langEnglish, hooks.ActionPost,
			TestResult{Status: 503, Latency: 40 * time.Millisecond, Err: "the receiver answered HTTP 503", Excerpt: "busy"},
			errors.New("the receiver answered HTTP 503"),
			"Not delivered · HTTP 503 · 40 ms: the receiver answered HTTP 503\nbusy"},
		{"the agent did not run it", langEnglish, hooks.ActionPost,
			TestResult{}, errors.New("control socket /run/callhook.sock: connection refused"),
			"Test failed: control socket /run/callhook.sock: connection refused"},
		{"browser: what was opened, & and all", langEnglish, hooks.ActionBrowser,
			TestResult{Latency: 8 * time.Millisecond, Excerpt: "opened " + opened + " in the default browser"}, nil,
			"Opened " + opened + " in the default browser."},
		{"browser refused", langEnglish, hooks.ActionBrowser,
			TestResult{Err: `hook crm: refuse to open the browser: scheme "ftp" is not http or https`},
			errors.New(`hook crm: refuse to open the browser: scheme "ftp" is not http or https`),
			`Not opened: hook crm: refuse to open the browser: scheme "ftp" is not http or https`},
		{"German delivered", langGerman, hooks.ActionPost,
			TestResult{Status: 200, Latency: 12 * time.Millisecond}, nil,
			"Zugestellt · HTTP 200 · 12 ms"},
		{"German nothing listening", langGerman, hooks.ActionPost,
			TestResult{Err: refused}, errors.New(refused),
			"Nicht zugestellt: Keine Verbindung zu 127.0.0.1:8099 möglich: Dort lauscht niemand"},
		{"German browser", langGerman, hooks.ActionBrowser,
			TestResult{Excerpt: "opened " + opened + " in the default browser"}, nil,
			opened + " im Standardbrowser geöffnet."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testText(newTr(tt.lang), tt.action, tt.res, tt.err); got != tt.want {
				t.Errorf("testText = %q, want %q", got, tt.want)
			}
		})
	}
}

// The list's Test button on a browser hook says what it opened and names
// the trigger in words while it runs.
func TestBrowserHookTestSaysWhatItOpened(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	release := make(chan struct{})
	h.b.TestFn = func(_ context.Context, hk hooks.Hook, tr call.Trigger) (TestResult, error) {
		<-release
		return TestResult{Latency: 5 * time.Millisecond, Excerpt: "opened https://crm.example.com/search?phone=%2B4930123 in the default browser"}, nil
	}
	test.Tap(buttonsNamed(h.u.hooks.list, "Test")[0])
	out := h.u.hooks.rows["crm"].result
	if want := "Testing with sample data (Incoming calls: Answered)…"; out.Text != want {
		t.Errorf("while testing %q, want %q", out.Text, want)
	}
	close(release)
	h.settle()
	if want := "Opened https://crm.example.com/search?phone=%2B4930123 in the default browser."; out.Text != want {
		t.Errorf("result %q, want %q", out.Text, want)
	}
	if strings.Contains(out.Text, "ms") {
		t.Errorf("a browser hook's result times nothing: %q", out.Text)
	}
}
