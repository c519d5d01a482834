package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/control"
)

// writePolicyFile writes an administrator's policy and points
// CALLHOOK_POLICY of e's commands at it.
func (e *env) writePolicyFile(body string) string {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.vars = append(e.vars, hooks.PolicyEnv+"="+path)
	return path
}

// hostURL is rc's URL under another name of the same loopback host.
func hostURL(t *testing.T, rc *receiver, host, path string) string {
	t.Helper()
	u, err := url.Parse(rc.URL)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + host + ":" + u.Port() + path
}

const checkPolicyConfig = `{"version": 1, "enabled": true, "source": {"mode": "none"}, "hooks": [
  {"id": "crm", "enabled": true, "triggers": ["incoming.ring"], "action": "get", "url": "https://crm.example.org/mine"},
  {"id": "log", "enabled": true, "triggers": ["incoming.hangup"], "action": "get", "url": "http://127.0.0.1:9/log"},
  {"id": "ok", "enabled": true, "triggers": ["incoming.hangup"], "action": "get", "url": "https://localhost/ok"}]}`

const checkPolicyFile = `{"version": 1, "hooks_enabled": false, "allowed_hosts": ["localhost", "*.example.org"],
  "hooks": [{"id": "crm", "triggers": ["incoming.answer"], "action": "browser",
             "url": "https://crm.example.org/search?phone={remote|e164}", "user_can_disable": true}]}`

// config check under CALLHOOK_POLICY names every hook the policy refuses
// (the host and the policy, the id clash) and prints the policy line;
// exit 2. Once fixed it passes and still says which policy is in force.
func TestConfigCheckPolicy(t *testing.T) {
	e := newEnv(t, checkPolicyConfig)
	path := e.writePolicyFile(checkPolicyFile)
	r := e.run("", "config", "check")
	if r.code != exitUsage {
		t.Fatalf("config check with refused hooks: exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`hooks[crm].id: "crm" is the id of a hook managed by the policy ` + path + `: give your hook another id`,
		`hooks[log].url: host "127.0.0.1" is not in allowed_hosts of the policy ` + path + ` (allowed: localhost, *.example.org)`,
		"2 problem(s)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks\n%s\ngot\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "hooks[ok]") {
		t.Errorf("the allowed hook is named:\n%s", r.stderr)
	}
	wantLine := "policy: " + path + " (hooks switched off, hosts localhost, *.example.org, 1 managed hook)"
	if !strings.Contains(r.stdout, wantLine) {
		t.Errorf("stdout lacks the policy line\n%s\ngot\n%s", wantLine, r.stdout)
	}

	fixed := strings.NewReplacer(`"id": "crm"`, `"id": "mycrm"`, "127.0.0.1:9", "logs.example.org").Replace(checkPolicyConfig)
	if err := os.WriteFile(e.config, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	r = e.mustRun("", "config", "check")
	if !strings.Contains(r.stdout, wantLine) || !strings.Contains(r.stdout, "ok (4 hooks, source none)") {
		t.Errorf("config check of the fixed config:\n%s%s", r.stdout, r.stderr)
	}

	// A broken policy is a problem of its own, named with its line.
	e.writePolicyFile(`{"version": 1, "hooks_enabeld": false}`)
	r = e.run("", "config", "check")
	if r.code != exitUsage || !strings.Contains(r.stderr, `hooks_enabeld: unknown key (did you mean "hooks_enabled"?)`) ||
		!strings.Contains(r.stdout, "error: ") {
		t.Errorf("config check with a broken policy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// CALLHOOK_POLICY must name a file that exists.
	e.vars = append(e.vars, hooks.PolicyEnv+"="+filepath.Join(t.TempDir(), "missing.json"))
	if r := e.run("", "config", "check"); r.code != exitUsage || !strings.Contains(r.stderr, "missing.json") {
		t.Errorf("config check with a missing CALLHOOK_POLICY file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Without a policy nothing is said about one.
	plain := newEnv(t, fixed)
	if r := plain.mustRun("", "config", "check"); strings.Contains(r.stdout, "policy") {
		t.Errorf("config check without a policy mentions one:\n%s", r.stdout)
	}
}

// `callhook run` under a policy: status (text and JSON) says which
// policy is in force; a simulated call through it fires the managed
// hook the user "switched off" (the policy does not let them), and the
// user's hook to a host the policy does not allow fails without its
// receiver seeing a request.
func TestPolicyRunStatusAndDelivery(t *testing.T) {
	allowed, refused := newReceiver(t), newReceiver(t)
	e := newEnv(t, fmt.Sprintf(`{"version": 1, "enabled": true, "source": {"mode": "none"},
  "disabled_managed_hooks": ["crm"],
  "hooks": [{"id": "mine", "enabled": true, "triggers": ["incoming.ring"], "action": "get", "url": %q, "retries": 0}]}`,
		hostURL(t, refused, "127.0.0.1", "/mine")))
	path := e.writePolicyFile(fmt.Sprintf(`{"allowed_hosts": ["localhost"],
  "hooks": [{"id": "crm", "triggers": ["incoming.ring"], "action": "get", "url": %q}]}`, hostURL(t, allowed, "localhost", "/crm")))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := e.startRun(ctx)
	svc.waitLog("callhook running", 30*time.Second)
	defer svc.stop()

	text := e.mustRun("", "status").stdout
	for _, want := range []string{"hooks:    2 configured, on", "policy:   " + path + " (hosts localhost, 1 managed hook)"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	var st control.Status
	if err := json.Unmarshal([]byte(e.mustRun("", "status", "--json").stdout), &st); err != nil {
		t.Fatal(err)
	}
	p := st.Policy
	if !p.Active || p.File != path || p.From != path || p.Policy == nil || len(p.Policy.Hooks) != 1 ||
		p.Policy.Hooks[0].ID != "crm" || p.Policy.Hooks[0].UserCanDisable || p.Policy.AllowedHosts[0] != "localhost" {
		t.Errorf("status --json policy: %+v", p)
	}

	r := e.run("", "simulate", "--direction", "in", "--remote", "0301234567", "--hangup-after", "10ms", "--wait", "20s")
	if n := len(allowed.requests()); n != 1 {
		t.Errorf("the managed hook the user cannot switch off: %d requests, want 1\n%s%s", n, r.stdout, r.stderr)
	}
	if n := len(refused.requests()); n != 0 {
		t.Errorf("the hook to a host the policy refuses reached its receiver (%d requests)", n)
	}
	if !strings.Contains(r.stdout+r.stderr, `host "127.0.0.1" is not in allowed_hosts of the policy `+path) {
		t.Errorf("simulate does not say why mine failed:\n%s%s", r.stdout, r.stderr)
	}
}
