package siptest

import (
	"testing"
	"time"
)

// Quiet is how long a test watches for something more to happen once
// what it expected has: an event fired twice, a webhook sent twice. No
// wait proves that nothing more comes; this one bounds the search, in one
// place for every test. The duplicates looked for come from the same
// processing as the original and show within milliseconds on loopback.
// Quiet is SIP's T1, the first UDP retransmission interval, with room to
// spare on a loaded CI machine, and short enough to pay after every call.
const Quiet = 500 * time.Millisecond

// poll is how often Settle and Steady look.
const poll = 10 * time.Millisecond

// Settle waits up to within for count to reach want, then for Quiet
// more, so that whatever came twice has come too. It returns the last
// count and reports one that never reached want; comparing what came is
// the caller's.
func Settle(t testing.TB, what string, want int, within time.Duration, count func() int) int {
	t.Helper()
	if !reach(t, what, want, within, count) {
		return count()
	}
	time.Sleep(Quiet)
	return count()
}

// Exactly waits up to within for count to reach want, then watches it
// for Quiet and reports an error if it grows: what was counted came
// twice. It returns the last count.
func Exactly(t testing.TB, what string, want int, within time.Duration, count func() int) int {
	t.Helper()
	if !reach(t, what, want, within, count) {
		return count()
	}
	n := want
	if !Steady(func() bool { n = count(); return n <= want }) {
		t.Errorf("%d %s, want exactly %d: more came within %v", n, what, want, Quiet)
	}
	return n
}

// reach polls count until it is at least want, or reports the shortfall
// after within.
func reach(t testing.TB, what string, want int, within time.Duration, count func() int) bool {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(poll) {
		n := count()
		if n >= want {
			return true
		}
		if time.Now().After(deadline) {
			t.Errorf("%d %s within %v, want %d", n, what, within, want)
			return false
		}
	}
}

// Steady watches ok for Quiet and reports whether it held throughout,
// stopping at the first false.
func Steady(ok func() bool) bool {
	for end := time.Now().Add(Quiet); ; time.Sleep(poll) {
		if !ok() {
			return false
		}
		if time.Now().After(end) {
			return true
		}
	}
}
