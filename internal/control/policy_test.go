//go:build cgo || !darwin

package control

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
)

// testPolicy is a policy in force as the agent's engine has it: read
// from a file, so that its messages name the file.
func testPolicy(t *testing.T) hooks.PolicyStatus {
	t.Helper()
	const file = "/etc/callhook/policy.json"
	p, err := hooks.ParsePolicy([]byte(`{"version": 1, "hooks_enabled": false, "allowed_hosts": ["crm.example.com"],
  "hooks": [{"id": "crm-managed", "triggers": ["incoming.answer"], "action": "browser",
             "url": "https://crm.example.com/search?phone={remote|e164}", "user_can_disable": true}]}`), file)
	if err != nil {
		t.Fatal(err)
	}
	return hooks.PolicyStatus{Active: true, File: file, URL: "https://admin.example.com/policy.json",
		From: file, Fetched: t0, Checked: t0.Add(time.Minute), Error: "fetch: status 502", Policy: p}
}

// The window's Policy crosses the socket whole, and the policy's
// messages still name the file it comes from.
func TestPolicy(t *testing.T) {
	f := newFake()
	sent := testPolicy(t)
	f.PolicyFn = func() hooks.PolicyStatus { return sent }
	c, _ := connect(t, f)
	got := c.Policy()
	equal(t, "policy", got, sent)
	err := got.Policy.CheckURL("https://evil.example.net/x")
	if !errors.Is(err, hooks.ErrHostNotAllowed) || !strings.Contains(err.Error(), "/etc/callhook/policy.json") {
		t.Errorf("CheckURL over the socket: %v, want the host refused by the policy /etc/callhook/policy.json", err)
	}
	if m, ok := got.Policy.Managed("crm-managed"); !ok || !m.UserCanDisable || !m.Enabled {
		t.Errorf("managed hook %+v, %v", m, ok)
	}
}

// An agent that does not answer leaves the window with the policy it
// heard last, not with none: a kill switch must not vanish with it.
func TestPolicyFallsBackToLastValue(t *testing.T) {
	f := newFake()
	sent := testPolicy(t)
	f.PolicyFn = func() hooks.PolicyStatus { return sent }
	c, srv := connect(t, f)
	first := c.Policy()
	first.Policy.AllowedHosts[0] = "changed.example.com" // a caller's copy
	srv.Close()
	equal(t, "policy", c.Policy(), sent)
}
