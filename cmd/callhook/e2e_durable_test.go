package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// A delivery waiting for its retry when the process is killed with SIGKILL
// is delivered by the next `callhook run` on the same data directory.
func TestPendingDeliverySurvivesKill9(t *testing.T) {
	rc := newReceiver(t)
	healthy := make(chan struct{})
	rc.setRespond(func(n int, _ received) (int, http.Header) {
		select {
		case <-healthy:
			return http.StatusOK, nil
		default:
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"2"}}
		}
	})
	e := newEnv(t, fmt.Sprintf(`{"version":1,"enabled":true,"source":{"mode":"none"},
  "hooks":[{"id":"log","enabled":true,"triggers":["incoming.missed"],"action":"post","url":%q,"body":"{json}","retries":8}]}`, rc.URL+"/missed"))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sim := e.command(ctx, "simulate", "--direction", "in", "--remote", "+4930111", "--hangup-after", "10ms", "--wait", "2m")
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	first := rc.waitFor(t, 1, 30*time.Second)[0]
	// The first attempt failed and a retry is scheduled: kill hard.
	if err := sim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	sim.Wait()
	close(healthy)

	srv := e.startRun(ctx)
	// Delivered once: one failed attempt, one resumed delivery, no more.
	siptest.Exactly(t, "requests", 2, 30*time.Second, rc.count)
	srv.stop()
	got := rc.requests()
	if len(got) != 2 {
		t.Fatalf("receiver got %d requests, want 2 (one failed attempt, one resumed delivery)", len(got))
	}
	if id := got[1].Header.Get("webhook-id"); id != first.Header.Get("webhook-id") {
		t.Errorf("resumed delivery has webhook-id %q, want %q", id, first.Header.Get("webhook-id"))
	}
}

// `secret set` stores into the real OS keychain, and a hook header using
// {secret.NAME} is rendered from it. Needs scripts/with-session.sh.
func TestSecretFromRealKeychain(t *testing.T) {
	msg := ""
	if os.Getenv("CALLHOOK_KEYRING") != "1" {
		msg = "no keychain session: run the tests under scripts/with-session.sh"
	}
	siptest.RequireReal(t, msg)
	rc := newReceiver(t)
	e := newEnv(t, fmt.Sprintf(`{"version":1,"enabled":true,"source":{"mode":"none"},
  "hooks":[{"id":"crm","enabled":true,"triggers":["incoming.ring"],"action":"get","url":%q,
            "headers":{"Authorization":"Bearer {secret.crm-token}"}}]}`, rc.URL+"/ring?n={caller}"))
	token := fmt.Sprintf("tok-%d", time.Now().UnixNano())
	e.mustRun(token+"\n", "secret", "set", "crm-token")
	r := e.mustRun("", "simulate", "--direction", "in", "--remote", "42", "--hangup-after", "10ms")
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1\n%s%s", len(got), r.stdout, r.stderr)
	}
	if h := got[0].Header.Get("Authorization"); h != "Bearer "+token {
		t.Errorf("Authorization %q, want the keychain secret", h)
	}
	if strings.Contains(r.stdout+r.stderr, token) {
		t.Error("the secret's value appears in callhook's output")
	}

	e.mustRun("", "secret", "delete", "crm-token")
	r = e.run("", "simulate", "--direction", "in", "--remote", "43", "--hangup-after", "10ms")
	if !strings.Contains(r.stdout+r.stderr, "crm-token") {
		t.Errorf("a missing secret must be reported by name; got:\n%s%s", r.stdout, r.stderr)
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("a hook whose secret is missing was sent anyway (%d requests)", n)
	}
}

func TestConfigCheck(t *testing.T) {
	e := newEnv(t, `{"version":1,"enabled":true,"source":{"mode":"none"},
  "hooks":[{"id":"a b","enabled":true,"triggers":["incoming.rign"],"action":"get","url":"https://{caller}.example.com/"},
           {"id":"ok","enabled":true,"triggers":["incoming.ring"],"action":"get","url":"https://crm.example.com/?n={caller}","tmeout":"5s"}]}`)
	r := e.run("", "config", "check")
	if r.code != exitUsage {
		t.Fatalf("config check on a bad config: exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "tmeout") {
		t.Errorf("unknown key not named:\n%s", r.stderr)
	}

	e = newEnv(t, `{"version":1,"enabled":true,"source":{"mode":"none"},
  "hooks":[{"id":"a b","enabled":true,"triggers":["incoming.rign"],"action":"get","url":"https://{caller}.example.com/"}]}`)
	r = e.run("", "config", "check")
	if r.code != exitUsage {
		t.Fatalf("config check on a bad config: exit %d, want 2", r.code)
	}
	for _, want := range []string{"id", "incoming.rign", "host"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("config check does not name %q:\n%s", want, r.stderr)
		}
	}

	good := newEnv(t, allTriggersConfig("http://127.0.0.1:9"))
	if r := good.run("", "config", "check"); r.code != 0 {
		t.Errorf("config check on a good config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := good.run("", "frobnicate"); r.code != exitUsage {
		t.Errorf("unknown command: exit %d, want 2", r.code)
	}
}

func TestHooksTest(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, allTriggersConfig(rc.URL))
	e.vars = append(e.vars, "CALLHOOK_SECRET_HOOKSIG="+testSigningKey)
	r := e.mustRun("", "hooks", "test", "log")
	if len(rc.requests()) != 1 {
		t.Fatalf("hooks test sent %d requests, want 1", len(rc.requests()))
	}
	for _, want := range []string{"200", "ms", `{"ok":true}`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("hooks test output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := e.run("", "hooks", "test", "nope"); r.code != exitUsage || !strings.Contains(r.stderr, "nope") {
		t.Errorf("hooks test of an unknown hook: exit %d, stderr %q", r.code, r.stderr)
	}
}

// On servers whose locale is C.UTF-8 the CLI prints nothing but its own
// output: the GUI toolkit linked into the binary must not complain.
func TestNoToolkitNoiseInCLocale(t *testing.T) {
	for _, lang := range []string{"C.UTF-8", "POSIX.UTF-8", "C", "de_DE.UTF-8"} {
		e := newEnv(t, "")
		e.vars = append(e.vars, "LANG="+lang, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
		r := e.mustRun("", "version")
		if r.stderr != "" {
			t.Errorf("LANG=%s: callhook version wrote to stderr:\n%s", lang, r.stderr)
		}
	}
}

// A service that cannot listen for SIP stops with exit 1 and says why,
// instead of running on without a call source.
func TestRunExitsWhenTheSourceCannotStart(t *testing.T) {
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.LocalAddr().String()
	e := newEnv(t, fmt.Sprintf(`{"version":1,"enabled":true,
  "source":{"mode":"proxy","proxy":{"listen":%q,"upstream":"127.0.0.1:9"}},"hooks":[]}`, addr))
	r := e.run("", "run")
	if r.code != exitFailure {
		t.Fatalf("callhook run with %s taken: exit %d, want 1\n%s", addr, r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, addr) {
		t.Errorf("the error does not name the address %s:\n%s", addr, r.stderr)
	}
}
