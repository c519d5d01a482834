package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// `hooks presets --json` lists the presets in the documented shape, and
// `hooks add --preset` writes a hook that `config check` accepts.
func TestE2EPresets(t *testing.T) {
	// A country code, or config check rightly warns that the preset's
	// {remote|e164} cannot make international numbers.
	e := newEnv(t, `{"version": 1, "enabled": true, "country_code": "49", "source": {"mode": "none"}, "hooks": []}`)
	r := e.mustRun("", "hooks", "presets", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("presets --json: %v\n%s", err, r.stdout)
	}
	vendors := map[any]bool{}
	for _, p := range list {
		for _, k := range []string{"name", "vendor", "action", "params", "source"} {
			if _, ok := p[k]; !ok {
				t.Errorf("preset %v lacks %q", p["name"], k)
			}
		}
		if _, ok := p["params"].([]any); !ok {
			t.Errorf("preset %v: params is %T, want an array", p["name"], p["params"])
		}
		vendors[p["vendor"]] = true
	}
	if len(vendors) < 12 {
		t.Errorf("%d vendors, want at least 12", len(vendors))
	}

	r = e.mustRun("", "hooks", "add", "--preset", "salesforce-log",
		"--param", "instance=acme.my.salesforce.com", "--param", "token_secret=sf")
	if id := strings.TrimSpace(r.stdout); id != "salesforce-log" {
		t.Errorf("add printed %q, want the new hook's id", r.stdout)
	}
	r = e.mustRun("", "config", "check")
	if !strings.Contains(r.stdout, "ok (1 hooks") || strings.Contains(r.stderr, "warning") {
		t.Errorf("config check:\n%s%s", r.stdout, r.stderr)
	}
	r = e.mustRun("", "hooks", "list")
	if !strings.Contains(r.stdout, "salesforce-log") {
		t.Errorf("hooks list does not show the new hook:\n%s", r.stdout)
	}

	if r := e.run("", "hooks", "add", "--preset", "hubspot-open"); r.code != exitUsage {
		t.Errorf("unavailable preset: exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
}
