package hooks

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Default retry delays: exponential from one second, capped at five
// minutes, with full jitter so that many deliveries failing together (the
// receiver was down) do not come back in lockstep.
const (
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 5 * time.Minute
)

// backoff computes retry delays.
type backoff struct {
	base, max time.Duration
	// rand returns a uniform value in [0, n); nil means math/rand/v2.
	rand func(n int64) int64
}

// delay returns how long to wait after the failed attempt number attempt
// (1-based): a uniform random value up to min(max, base*2^(attempt-1)),
// or retryAfter (capped at max) when the receiver asked for it.
func (b backoff) delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, b.max)
	}
	ceil := b.base
	for i := 1; i < attempt && ceil < b.max; i++ {
		ceil *= 2
	}
	ceil = min(ceil, b.max)
	if ceil <= 0 {
		return 0
	}
	rnd := b.rand
	if rnd == nil {
		rnd = rand.Int64N
	}
	return time.Duration(rnd(int64(ceil) + 1))
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date (RFC 9110 section 10.2.3). Zero means absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Guard the multiplication against overflow.
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter)
	}
	return 0
}

// maxRetryAfter bounds what parseRetryAfter returns; the dispatcher caps
// it further at its maximum backoff.
const maxRetryAfter = 24 * time.Hour

// retryable reports whether a failed attempt may succeed later: network
// errors (status 0), 408 Request Timeout, 429 Too Many Requests and every
// 5xx. Other 4xx and 3xx (redirects are not followed) will not change.
func retryable(status int) bool {
	switch {
	case status == 0:
		return true
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return true
	}
	return false
}
