package siptest

import (
	"os"
	"testing"
)

// RequirePeersEnv names the variable that turns a missing peer from a
// skip into a failure. make test sets it, so CI cannot pass by skipping.
const RequirePeersEnv = "CALLHOOK_REQUIRE_PEERS"

// RequireReal lets a test that needs something real outside its process
// (Kamailio, sipp, baresip, network namespaces, the OS keychain, the
// cgo-built callhook binary) go on, or ends it. missing says what the test
// lacks; empty means all is there. It is the one place that reads
// go test -short and CALLHOOK_REQUIRE_PEERS:
//
//   - Under -short the test skips, whatever is installed: -short
//     (make test-unit) promises a quick run that starts no peer. -short
//     wins over CALLHOOK_REQUIRE_PEERS=1: asking for both at once can only
//     mean the quick run, and failing every end-to-end test for it would
//     help no one. The skip message names both, so the skip is not silent.
//   - Otherwise a test with something missing skips saying what, or fails
//     when CALLHOOK_REQUIRE_PEERS=1.
func RequireReal(t testing.TB, missing string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test with real peers (-short wins over " + RequirePeersEnv + "=1)")
	}
	if missing == "" {
		return
	}
	if os.Getenv(RequirePeersEnv) == "1" {
		t.Fatal(missing + "; failing because " + RequirePeersEnv + "=1")
	}
	t.Skip(missing)
}
