package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `callhook hooks test` prints the response excerpt; a receiver echoing
// the request's headers must not make it print the secrets (issue #10).
func TestHooksTestMasksEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(r.Header)
	}))
	defer srv.Close()
	t.Setenv("CALLHOOK_SECRET_CRM", "CRMSECRET-4242")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`{"version": 1, "enabled": true, "user": "max",
  "source": {"mode": "none"},
  "hooks": [{"id": "crm", "enabled": true, "triggers": ["incoming.hangup"], "action": "post",
    "url": %q, "headers": {"Authorization": "Bearer {secret.crm}"}, "retries": 0}]}`, srv.URL+"/calls")), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := cmdHooks(paths{config: cfg, data: filepath.Join(dir, "data")}, []string{"test", "crm"}, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "status:   500") || !strings.Contains(out.String(), "***") {
		t.Errorf("output lacks the status or the masked excerpt:\n%s", out.String())
	}
	if s := out.String() + errb.String(); strings.Contains(s, "CRMSECRET") {
		t.Errorf("hooks test printed the secret:\n%s", s)
	}
}
