package agent

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// A simulated call rings the extension of the source in force: when the
// administrator's policy fixes the call source, its user name, not the
// one in the user's own settings.
func TestServiceSimulateCallUsesThePolicysSource(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(`{"source": {"mode": "none", "dialog": {"username": "2000"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w := hooks.NewPolicyWatcher(hooks.PolicyOptions{Path: path, DataDir: dir, Log: slog.New(slog.DiscardHandler)})
	cfg := configWith()
	cfg.Source.Dialog.Username = "1000"
	e := startEngine(t, cfg, engine.WithPolicy(w))
	svc := NewService(t.Context(), e, ServiceOptions{Config: filepath.Join(t.TempDir(), "config.json"), Kind: KindRun})
	t.Cleanup(svc.Close)

	id, err := svc.SimulateCall(t.Context(), sip.Simulation{Direction: call.In, Remote: "+4930123",
		AnswerAfter: time.Millisecond, HangupAfter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := svc.Wait(ctx, id); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	rows, err := svc.History(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rows, func(r ui.CallRow) bool { return r.Call.ID == id })
	if i < 0 {
		t.Fatalf("History has no call %s: %+v", id, rows)
	}
	if got := rows[i].Call.Callee.Number; got != "2000" {
		t.Errorf("the simulated call rang %q, want the policy's extension 2000", got)
	}
}
