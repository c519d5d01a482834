package hooks

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	top := func(n int64) int64 { return n - 1 } // the largest value rand may return
	b := backoff{base: time.Second, max: time.Minute, rand: top}
	tests := []struct {
		name       string
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"first retry", 1, 0, time.Second},
		{"doubles", 3, 0, 4 * time.Second},
		{"capped", 20, 0, time.Minute},
		{"retry-after wins", 1, 30 * time.Second, 30 * time.Second},
		{"retry-after capped", 1, time.Hour, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.delay(tt.attempt, tt.retryAfter); got != tt.want {
				t.Errorf("delay = %v, want %v", got, tt.want)
			}
		})
	}
	// Full jitter: anything from zero up.
	b.rand = nil
	for range 100 {
		if d := b.delay(3, 0); d < 0 || d > 4*time.Second {
			t.Fatalf("jittered delay %v outside [0, 4s]", d)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		want     time.Duration
	}{
		{"seconds", "120", 2 * time.Minute},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"empty", "", 0},
		{"negative", "-5", 0},
		{"garbage", "soon", 0},
		{"huge", "99999999999999999", 24 * time.Hour},
		{"date far ahead", "Wed, 01 Oct 2100 00:00:00 GMT", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	// The date far ahead once escaped the cap.
	for _, s := range []string{"0", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "", "x", "Wed, 01 OCt 2100 0:00:00 GMT"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s, now); d < 0 || d > 24*time.Hour {
			t.Errorf("parseRetryAfter(%q) = %v, outside [0, 24h]", s, d)
		}
	})
}

func TestRetryable(t *testing.T) {
	for status, want := range map[int]bool{0: true, 200: false, 302: false, 400: false, 404: false,
		408: true, 429: true, 500: true, 503: true} {
		if got := retryable(status); got != want {
			t.Errorf("retryable(%d) = %v, want %v", status, got, want)
		}
	}
}
