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
		{"zoho domain of no data centre", []string{"add", "--preset", "zoho-log", "--param", "api_domain=evil.example"}, exitUsage, "www.zohoapis.eu"},
		{"pipedrive without company", []string{"add", "--preset", "pipedrive-log"}, exitUsage, "company"},
		{"pipedrive company with a dot", []string{"add", "--preset", "pipedrive-log", "--param", "company=evil.example"}, exitUsage, "company"},
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
		if !strings.Contains(errs, "note: logs the call as a closed phone ticket") {
			t.Errorf("stderr does not give the preset's note:\n%s", errs)
		}
	}
}

// The call-logging presets for Zoho CRM and Pipedrive write a hook and
// say which secret to store.
func TestHooksAddLogPresets(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	for _, tt := range []struct {
		args   []string
		id     string
		secret string
	}{
		{[]string{"--preset", "zoho-log", "--param", "api_domain=www.zohoapis.eu"}, "zoho-log", "zoho-token"},
		{[]string{"--preset", "pipedrive-log", "--param", "company=acme", "--param", "token_secret=pd"}, "pipedrive-log", "pd"},
	} {
		code, out, errs := runHooks(t, cfg, append([]string{"add"}, tt.args...)...)
		if code != exitOK || strings.TrimSpace(out) != tt.id {
			t.Fatalf("exit %d, id %q, want %q\n%s", code, out, tt.id, errs)
		}
		if !strings.Contains(errs, "callhook secret set "+tt.secret) {
			t.Errorf("stderr does not say which secret to store:\n%s", errs)
		}
	}
}
