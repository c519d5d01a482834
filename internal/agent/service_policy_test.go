package agent

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/ui"
)

// An administrator who changes the policy file reaches the window: the
// engine applies the new policy, the service publishes PolicyChanged,
// and Policy then says what is in force and where it comes from.
func TestServicePublishesPolicyChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(`{"allowed_hosts": ["crm.example.com"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w := hooks.NewPolicyWatcher(hooks.PolicyOptions{Path: path, DataDir: dir, FileCheck: 20 * time.Millisecond,
		Log: slog.New(slog.DiscardHandler)})
	e := startEngine(t, configWith(), engine.WithPolicy(w))
	svc := NewService(t.Context(), e, ServiceOptions{Config: filepath.Join(t.TempDir(), "config.json"), Kind: KindRun})
	t.Cleanup(svc.Close)
	ev := subscribe(t, svc)

	st := svc.Policy()
	if !st.Active || st.From != path || !st.Policy.Enabled() || len(st.Policy.AllowedHosts) != 1 {
		t.Fatalf("policy at start: %+v", st)
	}
	if err := os.WriteFile(path, []byte(`{"hooks_enabled": false, "allowed_hosts": ["crm.example.com", "*.example.org"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := func(e ui.Event) bool { return e.Kind == ui.PolicyChanged }
	waitFor(t, "PolicyChanged", 10*time.Second, func() bool { return len(ev.of(changed)) > 0 })
	st = svc.Policy()
	if st.Policy.Enabled() || len(st.Policy.AllowedHosts) != 2 || st.From != path {
		t.Errorf("policy after the file changed: %+v", st)
	}
}
