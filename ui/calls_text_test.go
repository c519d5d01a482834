package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

var zeroMS = regexp.MustCompile(`(^|[^0-9])0 ms`)

func TestFailedDeliveryWithoutResponseShowsNoLatency(t *testing.T) {
	h, _ := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	text := labels(c.history)
	if !strings.Contains(text, "Log call · Incoming calls: Ended · delivered · HTTP 200 · 120 ms") {
		t.Errorf("a delivery with a response lacks its latency:\n%s", text)
	}
	if !strings.Contains(text, "Log call · Incoming calls: Missed · failed · 6 attempts") {
		t.Errorf("the failed delivery's row is not as expected:\n%s", text)
	}
	if zeroMS.MatchString(text) {
		t.Errorf("a delivery without a response shows 0 ms:\n%s", text)
	}

	c.filter.SetSelected("Failed deliveries")
	test.Tap(buttonsNamed(c.history, "Details")[0])
	if d := labels(c.detail); strings.Contains(d, " ms") || strings.Contains(d, "Latency") {
		t.Errorf("the detail of a delivery without a response shows a latency:\n%s", d)
	}
}

func TestLatencyText(t *testing.T) {
	tests := []struct {
		name string
		d    DeliveryRow
		want string
	}{
		{"no response, sub-millisecond", DeliveryRow{Latency: 300 * time.Microsecond}, ""},
		{"no response, nothing timed", DeliveryRow{}, ""},
		{"no response after a timeout", DeliveryRow{Latency: 10 * time.Second}, "10000 ms"},
		{"response", DeliveryRow{StatusCode: 200, Latency: 42 * time.Millisecond}, "42 ms"},
		{"fast response", DeliveryRow{StatusCode: 204, Latency: 400 * time.Microsecond}, "< 1 ms"},
		{"browser hook", DeliveryRow{State: hooks.StateDelivered}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := latencyText(tt.d); got != tt.want {
				t.Errorf("latencyText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSimulatedCallsAreMarked(t *testing.T) {
	sim := call.Call{ID: "sim-1772443800000000000@callhook", Direction: call.In,
		Caller: call.Party{Number: "+49 30 1234567", Name: "Jane Doe"}, Start: sampleStart()}
	tests := []struct {
		name, lang, want, missed string
	}{
		{"English", langEnglish, "Jane Doe +49 30 1234567 (simulated)", " · missed"},
		{"German", langGerman, "Jane Doe +49 30 1234567 (simuliert)", " · verpasst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = tt.lang
			h, _ := historyHarness(t, cfg, sampleHistory())
			c := h.u.calls
			c.filter.SetSelectedIndex(int(filterMissed))
			text := labels(c.history)
			if !strings.Contains(text, tt.want) {
				t.Errorf("the simulated call is not marked %q:\n%s", tt.want, text)
			}
			if !strings.Contains(text, tt.missed) {
				t.Errorf("the outcome is not shown as %q:\n%s", tt.missed, text)
			}
			if n := strings.Count(text, strings.TrimPrefix(tt.want, "Jane Doe +49 30 1234567 ")); n != 1 {
				t.Errorf("%d calls marked simulated, want only the one:\n%s", n, text)
			}
			// A live simulated call is marked too.
			c.showLive([]call.Call{sim})
			if live := labels(c.live); !strings.Contains(live, tt.want) {
				t.Errorf("the live simulated call is not marked:\n%s", live)
			}
		})
	}
}
