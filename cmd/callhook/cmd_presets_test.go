package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runHooks runs `callhook hooks ARGS` in-process against a config in dir.
func runHooks(t *testing.T, cfg string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmdHooks(paths{config: cfg, data: filepath.Join(filepath.Dir(cfg), "data")}, args,
		stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestHooksAddPresetExitCodes(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	tests := []struct {
		name string
		args []string
		code int
		err  string // what stderr must name
	}{
		{"no preset", []string{"add"}, exitUsage, "--preset"},
		{"unknown preset", []string{"add", "--preset", "nope"}, exitUsage, `"nope"`},
		{"no documented URL", []string{"add", "--preset", "pipedrive-open"}, exitUsage, "no documented URL"},
		{"missing param", []string{"add", "--preset", "zendesk-log", "--param", "subdomain=acme"}, exitUsage, "app_id"},
		{"invalid param", []string{"add", "--preset", "salesforce-log", "--param", "instance=evil.example/x"}, exitUsage, "instance"},
		{"param without =", []string{"add", "--preset", "hubspot-log", "--param", "token_secret"}, exitUsage, "KEY=VALUE"},
		{"param twice", []string{"add", "--preset", "hubspot-log", "--param", "token_secret=a", "--param", "token_secret=b"}, exitUsage, "twice"},
		{"stray argument", []string{"add", "--preset", "hubspot-log", "extra"}, exitUsage, "Usage"},
		{"unknown subcommand", []string{"remove"}, exitUsage, "hooks presets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runHooks(t, cfg, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.err) {
				t.Errorf("exit %d, want %d; stderr must name %q:\n%s%s", code, tt.code, tt.err, out, errs)
			}
		})
	}
}

func TestHooksAddPresetUniqueIDs(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	for _, want := range []string{"freshdesk-log", "freshdesk-log-2"} {
		code, out, errs := runHooks(t, cfg, "add", "--preset", "freshdesk-log", "--param", "domain=acme")
		if code != exitOK || strings.TrimSpace(out) != want {
			t.Fatalf("exit %d, id %q, want %q\n%s", code, out, want, errs)
		}
		if !strings.Contains(errs, "callhook secret set freshdesk-key") {
			t.Errorf("stderr does not say which secret to store:\n%s", errs)
		}
	}
}
