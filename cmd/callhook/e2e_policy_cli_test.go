package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// policyCLIConfig has a hook to an allowed host (ok) and one to a host
// the policy refuses (mine), both on incoming.ring.
func policyCLIConfig(t *testing.T, allowed, refused *receiver) string {
	return fmt.Sprintf(`{"version": 1, "enabled": true, "source": {"mode": "none"}, "hooks": [
  {"id": "ok", "enabled": true, "triggers": ["incoming.ring"], "action": "get", "url": %q, "retries": 0},
  {"id": "mine", "enabled": true, "triggers": ["incoming.ring"], "action": "get", "url": %q, "retries": 0}]}`,
		hostURL(t, allowed, "localhost", "/ok"), hostURL(t, refused, "127.0.0.1", "/mine"))
}

// policyCLIFile allows localhost only and manages the hook crm.
func policyCLIFile(t *testing.T, allowed *receiver, extra string) string {
	return fmt.Sprintf(`{%s"allowed_hosts": ["localhost"],
  "hooks": [{"id": "crm", "name": "Company CRM", "triggers": ["incoming.ring"], "action": "get", "url": %q, "retries": 0}]}`,
		extra, hostURL(t, allowed, "localhost", "/crm"))
}

// requestPaths are the paths of the requests rc received, in order.
func requestPaths(rc *receiver) []string {
	var out []string
	for _, r := range rc.requests() {
		out = append(out, r.Path)
	}
	return out
}

// Without a running agent, simulate, hooks test, hooks list and hooks
// add run under the same policy as `run`: the managed hook fires and is
// testable by its id, a host the policy does not allow gets no request,
// and a policy that switches hooks off sends nothing and says so.
func TestPolicyCLIWithoutAgent(t *testing.T) {
	allowed, refused := newReceiver(t), newReceiver(t)
	e := newEnv(t, policyCLIConfig(t, allowed, refused))
	path := e.writePolicyFile(policyCLIFile(t, allowed, ""))

	r := e.run("", "simulate", "--direction", "in", "--remote", "0301234567", "--hangup-after", "10ms", "--wait", "20s")
	got := strings.Join(requestPaths(allowed), " ")
	if !strings.Contains(got, "/crm") || !strings.Contains(got, "/ok") || len(requestPaths(allowed)) != 2 {
		t.Errorf("simulate: the allowed receiver got %q, want /ok and the managed /crm\n%s%s", got, r.stdout, r.stderr)
	}
	if n := refused.count(); n != 0 {
		t.Errorf("simulate: the host the policy refuses got %d requests", n)
	}
	for _, want := range []string{
		"policy: " + path + " (hosts localhost, 1 managed hook)",
		`host "127.0.0.1" is not in allowed_hosts of the policy ` + path,
		"summary: 2 delivered, 1 failed",
	} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("simulate output lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	if r.code != exitFailure {
		t.Errorf("simulate with a refused delivery: exit %d, want 1", r.code)
	}

	// The managed hook, by its id.
	before := allowed.count()
	r = e.run("", "hooks", "test", "crm")
	if r.code != exitOK || allowed.count() != before+1 || !strings.Contains(r.stdout, "status:   200") {
		t.Errorf("hooks test crm (managed): exit %d, %d requests\n%s%s", r.code, allowed.count()-before, r.stdout, r.stderr)
	}
	// The user's hook to a host the policy refuses: no request.
	r = e.run("", "hooks", "test", "mine")
	if r.code != exitFailure || refused.count() != 0 ||
		!strings.Contains(r.stdout, `host "127.0.0.1" is not in allowed_hosts of the policy `+path) {
		t.Errorf("hooks test mine (refused host): exit %d, %d requests\n%s%s", r.code, refused.count(), r.stdout, r.stderr)
	}
	// hooks list shows the managed hook, marked.
	r = e.mustRun("", "hooks", "list")
	if !strings.Contains(r.stdout, "Company CRM (managed by the administrator's policy)") {
		t.Errorf("hooks list does not show the managed hook:\n%s", r.stdout)
	}
	// hooks add refuses a preset to a host the policy does not allow.
	r = e.run("", "hooks", "add", "--preset", "salesforce-log",
		"--param", "instance=acme.my.salesforce.com", "--param", "token_secret=sf")
	if r.code != exitUsage || !strings.Contains(r.stderr, `host "acme.my.salesforce.com" is not in allowed_hosts`) {
		t.Errorf("hooks add to a refused host: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(e.config); strings.Contains(string(b), "salesforce") {
		t.Error("hooks add wrote the refused hook into the config")
	}

	// The administrator switches every hook off.
	path = e.writePolicyFile(policyCLIFile(t, allowed, `"hooks_enabled": false, `))
	before = allowed.count()
	r = e.run("", "simulate", "--direction", "in", "--remote", "0301234567", "--hangup-after", "10ms", "--wait", "20s")
	if allowed.count() != before || refused.count() != 0 {
		t.Errorf("simulate with hooks switched off by the policy sent %d requests\n%s%s", allowed.count()-before, r.stdout, r.stderr)
	}
	off := "all hooks are switched off by the administrator's policy " + path + ` ("hooks_enabled": false)`
	for _, want := range []string{"note: " + off + "; nothing will be sent", "no hook fired: " + off} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("simulate output lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	r = e.run("", "hooks", "test", "ok")
	if r.code != exitFailure || allowed.count() != before || !strings.Contains(r.stdout, "hooks are switched off by the policy "+path) {
		t.Errorf("hooks test under hooks switched off: exit %d, %d requests\n%s%s", r.code, allowed.count()-before, r.stdout, r.stderr)
	}
	if r := e.mustRun("", "hooks", "list"); !strings.Contains(r.stdout, off) {
		t.Errorf("hooks list does not say the policy switched hooks off:\n%s", r.stdout)
	}
}

// Through a running `run`: hooks test takes a managed hook's id (the
// agent has it in force), and simulate says that the policy, not the
// user, switched hooks off.
func TestPolicyCLIThroughRun(t *testing.T) {
	allowed, refused := newReceiver(t), newReceiver(t)
	e := newEnv(t, policyCLIConfig(t, allowed, refused))
	path := e.writePolicyFile(policyCLIFile(t, allowed, ""))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := e.startRun(ctx)
	svc.waitLog("callhook running", 30*time.Second)

	r := e.run("", "hooks", "test", "crm")
	if r.code != exitOK || allowed.count() != 1 || !strings.Contains(r.stdout, "sent by the running callhook run") {
		t.Errorf("hooks test crm (managed) through run: exit %d, %d requests\n%s%s", r.code, allowed.count(), r.stdout, r.stderr)
	}
	svc.stop()

	path = e.writePolicyFile(policyCLIFile(t, allowed, `"hooks_enabled": false, `))
	svc = e.startRun(ctx)
	svc.waitLog("callhook running", 30*time.Second)
	defer svc.stop()
	r = e.run("", "simulate", "--direction", "in", "--remote", "0301234567", "--hangup-after", "10ms", "--wait", "20s")
	off := "all hooks are switched off by the administrator's policy " + path
	if !strings.Contains(r.stdout, "note: "+off) || strings.Contains(r.stdout, `("enabled": false)`) {
		t.Errorf("simulate through run under hooks switched off:\n%s%s", r.stdout, r.stderr)
	}
	if allowed.count() != 1 || refused.count() != 0 {
		t.Errorf("simulate with hooks switched off sent requests: %d, %d", allowed.count()-1, refused.count())
	}
}
