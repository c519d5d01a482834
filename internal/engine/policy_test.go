package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

// provisioning is a loopback HTTPS server serving one policy at a time.
type provisioning struct {
	*httptest.Server
	mu   sync.Mutex
	body string
	n    int
}

func newProvisioning(t *testing.T, body string) *provisioning {
	p := &provisioning{body: body}
	p.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		etag := fmt.Sprintf(`"%d"`, p.n)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		fmt.Fprint(w, p.body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *provisioning) serve(body string) {
	p.mu.Lock()
	p.body = body
	p.n++
	p.mu.Unlock()
}

// eventually fails the test unless ok holds within a few seconds.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within 10s", what)
}

// The engine runs the user's config under the policy, and a policy the
// provisioning URL changes comes into force live: managed hooks, the
// source, the kill switch. The user's own config stays the user's.
func TestEnginePolicyAppliedLive(t *testing.T) {
	var hits atomic.Int32
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer rc.Close()
	managed := fmt.Sprintf(`{"source": {"mode": "dialog", "dialog": {"server": "pbx-policy.example.com", "watch": ["1002"]}},
  "hooks": [{"id": "crm", "triggers": ["incoming.ring"], "action": "get", "url": %q}]}`, rc.URL+"/crm")
	prov := newProvisioning(t, managed)
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, fmt.Appendf(nil, `{"provisioning_url": %q}`, prov.URL+"/policy.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := hooks.NewPolicyWatcher(hooks.PolicyOptions{Path: path, DataDir: dir, Client: prov.Client(),
		Poll: 20 * time.Millisecond, FileCheck: 20 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})

	var fs fakes
	user := withSource(dialog("pbx-user.example.com"))
	e, err := Open(t.TempDir(), user, slog.New(slog.DiscardHandler), WithPolicy(w))
	if err != nil {
		t.Fatal(err)
	}
	e.newSource = fs.factory
	var applied atomic.Int32
	e.OnPolicy(func(*hooks.Policy) { applied.Add(1) })
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Close(ctx)
	}()

	eventually(t, "the provisioned policy's source running", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.running.cfg.Dialog.Server == "pbx-policy.example.com"
	})
	if n := fs.live.Load(); n != 1 {
		t.Errorf("%d sources running, want 1", n)
	}
	if _, ok := e.Effective().Hook("crm"); !ok {
		t.Error("the managed hook is not in the config in force")
	}
	if e.Config() != user || len(user.Hooks) != 0 || user.Source.Dialog.Server != "pbx-user.example.com" {
		t.Error("the user's config was changed: the window would save the policy into it")
	}
	if st := e.PolicyStatus(); !st.Active || st.Fetched.IsZero() || st.URL != prov.URL+"/policy.json" {
		t.Errorf("policy status %+v", st)
	}
	if applied.Load() == 0 {
		t.Error("OnPolicy not told")
	}

	// The managed hook fires on a call.
	c := e.Tracker().Simulate(context.Background(), sip.Simulation{Direction: call.In, Local: "1002", Remote: "0301234"})
	wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Dispatcher().Wait(wctx, c); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the managed hook's receiver got %d requests, want 1", n)
	}

	// The user's save keeps the policy's source and hooks in force.
	if err := e.SetConfig(context.Background(), withSource(dialog("pbx-user2.example.com"))); err != nil {
		t.Fatal(err)
	}
	if eff := e.Effective(); eff.Source.Dialog.Server != "pbx-policy.example.com" || len(eff.Hooks) != 1 {
		t.Errorf("after the user's save the config in force is %+v", eff)
	}

	// The administrator switches hooks off: in force at the next poll.
	prov.serve(`{"hooks_enabled": false}`)
	eventually(t, "hooks switched off", func() bool { return !e.Effective().Enabled && !e.Dispatcher().Policy().Enabled() })
	eventually(t, "the user's source back", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.running.cfg.Dialog.Server == "pbx-user2.example.com"
	})
	c = e.Tracker().Simulate(context.Background(), sip.Simulation{Direction: call.In, Local: "1002", Remote: "0301234"})
	if err := e.Dispatcher().Wait(wctx, c); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("with hooks switched off the receiver got %d requests, want still 1", n)
	}
}

// Without WithPolicy nothing changes: Effective is the user's config.
func TestEngineWithoutPolicy(t *testing.T) {
	var fs fakes
	e := startEngine(t, &fs, dialog("pbx"))
	if e.Policy() != nil || e.PolicyStatus().Active {
		t.Error("a policy without WithPolicy")
	}
	if eff := e.Effective(); eff.Source.Dialog.Server != "pbx" || !eff.Enabled {
		t.Errorf("config in force %+v", eff)
	}
}

// WithoutSource (simulate) runs the hooks under the policy in force,
// managed hooks and kill switch included, but never a call source, not
// even the one the policy fixes.
func TestEngineWithoutSourceKeepsPolicy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(`{"hooks_enabled": false,
  "source": {"mode": "dialog", "dialog": {"server": "pbx-policy.example.com", "watch": ["1002"]}},
  "hooks": [{"id": "crm", "triggers": ["incoming.ring"], "action": "get", "url": "https://crm.example.com/"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w := hooks.NewPolicyWatcher(hooks.PolicyOptions{Path: path, Required: true, DataDir: dir, Log: slog.New(slog.DiscardHandler)})
	var fs fakes
	e, err := Open(t.TempDir(), withSource(dialog("pbx-user.example.com")), slog.New(slog.DiscardHandler), WithPolicy(w), WithoutSource())
	if err != nil {
		t.Fatal(err)
	}
	e.newSource = fs.factory
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Close(ctx)
	}()
	eff := e.Effective()
	if eff.Source.Mode != hooks.SourceNone || fs.live.Load() != 0 {
		t.Errorf("source %q, %d running: want none", eff.Source.Mode, fs.live.Load())
	}
	if _, ok := eff.Hook("crm"); !ok || eff.Enabled || e.Dispatcher().Policy().Enabled() {
		t.Errorf("not under the policy: managed hook %v, enabled %v", ok, eff.Enabled)
	}
	// A save keeps it so.
	if err := e.SetConfig(context.Background(), withSource(dialog("pbx-user2.example.com"))); err != nil {
		t.Fatal(err)
	}
	if e.Effective().Source.Mode != hooks.SourceNone || fs.live.Load() != 0 {
		t.Error("a source runs after SetConfig")
	}
}
