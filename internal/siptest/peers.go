//go:build unix

// Package siptest runs real SIP peers for end-to-end tests: Kamailio as
// the PBX and sipp as softphones and remote parties, by default all on
// 127.0.0.1 and on free ports, started and stopped with the test.
//
// On Linux, NewBed puts the PBX on another "host" instead: a network
// namespace with its own address in 10.231.0.0/16, reached from the host
// by a veth, or (BedOptions.NAT) from an agent namespace only through a
// router namespace that masquerades and forgets idle UDP mappings after
// 30 s, as home routers do; BedOptions.TLS adds a TLS listener with a CA
// made by the test. Remote parties run in the PBX namespace; Callhook,
// softphones and hook receivers run on the agent side (Command, InNS).
// Namespaces need root, ip and nft (RequireNetns).
//
// Tests skip under go test -short, and when the binaries are missing,
// unless CALLHOOK_REQUIRE_PEERS=1 (set in CI), where a missing peer fails
// the test instead (RequireReal).
package siptest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Binaries are the peer executables a test needs.
type Binaries struct {
	Kamailio string
	Sipp     string
	// ModulesDir holds Kamailio's modules (tm.so, ...).
	ModulesDir string
}

var moduleDirs = []string{
	"/usr/lib/x86_64-linux-gnu/kamailio/modules",
	"/usr/lib/aarch64-linux-gnu/kamailio/modules",
	"/usr/lib64/kamailio/modules",
	"/usr/lib/kamailio/modules",
	"/usr/local/lib64/kamailio/modules",
	"/usr/local/lib/kamailio/modules",
}

// RequirePeers finds kamailio and sipp, or ends the test as RequireReal
// does: it skips under -short, and says what is missing otherwise.
func RequirePeers(t testing.TB) Binaries {
	t.Helper()
	var b Binaries
	var missing []string
	lookup := func(name string, extra ...string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, p := range extra {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		missing = append(missing, name)
		return ""
	}
	b.Kamailio = lookup("kamailio", "/usr/sbin/kamailio", "/usr/local/sbin/kamailio")
	b.Sipp = lookup("sipp", "/usr/bin/sipp", "/usr/local/bin/sipp")
	if dir := os.Getenv("KAMAILIO_MODULES"); dir != "" {
		moduleDirs = append([]string{dir}, moduleDirs...)
	}
	for _, d := range moduleDirs {
		if _, err := os.Stat(filepath.Join(d, "tm.so")); err == nil {
			b.ModulesDir = d
			break
		}
	}
	if b.Kamailio != "" && b.ModulesDir == "" {
		missing = append(missing, "kamailio modules (set KAMAILIO_MODULES)")
	}
	msg := ""
	if len(missing) > 0 {
		msg = "end-to-end SIP test needs real peers; missing: " + joinComma(missing) +
			" (install kamailio and sipp, e.g. apt-get install kamailio sip-tester)"
	}
	RequireReal(t, msg)
	return b
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// RepoRoot returns the module root (the directory holding go.mod), where
// testdata/kamailio and testdata/sipp live.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working dir: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("find module root: no go.mod above the working directory")
		}
		dir = parent
	}
}
