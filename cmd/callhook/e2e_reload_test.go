package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// A SIGHUP to a valid config whose source cannot start keeps the running
// source: the error is logged and run goes on (issue #10).
func TestRunReloadKeepsSourceThatRuns(t *testing.T) {
	proxyConfig := func(listen, upstream string) string {
		return fmt.Sprintf(`{"version": 1, "enabled": true, "user": "agent",
  "source": {"mode": "proxy", "proxy": {"listen": %q, "upstream": %q, "transport": "udp"}}, "hooks": []}`, listen, upstream)
	}
	tests := []struct {
		name string
		// next returns the config to reload, given the running listen
		// address.
		next func(t *testing.T, listen string) string
	}{
		{"listen port taken", func(t *testing.T, listen string) string {
			taken, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { taken.Close() })
			return proxyConfig(taken.LocalAddr().String(), "127.0.0.1:5060")
		}},
		{"same listen, upstream that does not resolve", func(t *testing.T, listen string) string {
			return proxyConfig(listen, "pbx.invalid:5060")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			listen := siptest.Addr(siptest.FreePort(t))
			e := newEnv(t, proxyConfig(listen, "127.0.0.1:5060"))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			srv := e.startRun(ctx)
			srv.waitLog("state=listening", 15*time.Second)

			if err := os.WriteFile(e.config, []byte(tt.next(t, listen)), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			srv.waitLog("call source not changed", 15*time.Second)
			// Still listening where it did; stop fails unless run was still
			// running and exits 0.
			if !siptest.Steady(func() bool { return listening(listen) }) {
				t.Fatalf("nothing listens on %s after the failed reload:\n%s", listen, srv.logs())
			}
			srv.stop()
		})
	}
}

// listening reports whether something holds UDP address addr.
func listening(addr string) bool {
	c, err := net.ListenPacket("udp", addr)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

// A SIGHUP to a config the administrator's policy refuses (a hook to a
// host not in allowed_hosts) keeps the running config, as the agent's
// reload does: the log names the policy's rule.
func TestRunReloadRefusesWhatThePolicyRefuses(t *testing.T) {
	rc := newReceiver(t)
	hook := func(host string) string {
		return fmt.Sprintf(`{"version": 1, "enabled": true, "source": {"mode": "none"}, "hooks": [
  {"id": "mine", "enabled": true, "triggers": ["incoming.ring"], "action": "get", "url": %q}]}`, hostURL(t, rc, host, "/mine"))
	}
	e := newEnv(t, hook("localhost"))
	path := e.writePolicyFile(`{"allowed_hosts": ["localhost"]}`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := e.startRun(ctx)
	srv.waitLog("callhook running", 30*time.Second)
	defer srv.stop()

	if err := os.WriteFile(e.config, []byte(hook("127.0.0.1")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	srv.waitLog("reload config: keeping the running one", 15*time.Second)
	if want := `not in allowed_hosts of the policy ` + path; !strings.Contains(srv.logs(), want) {
		t.Errorf("the reload error does not name the policy's rule %q:\n%s", want, srv.logs())
	}
}
