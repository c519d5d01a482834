package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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

	// The call-logging presets the time filters made possible.
	byName := map[string]map[string]any{}
	for _, p := range list {
		byName[p["name"].(string)] = p
	}
	for name, params := range map[string]string{"zoho-log": "api_domain,token_secret", "pipedrive-log": "company,token_secret"} {
		p := byName[name]
		var got []string
		for _, v := range p["params"].([]any) {
			got = append(got, v.(string))
		}
		if p["available"] != true || strings.Join(got, ",") != params || !strings.HasPrefix(p["source"].(string), "https://") {
			t.Errorf("%s: %v, want available with params %s and a source", name, p, params)
		}
	}
	if note, _ := byName["zoho-log"]["note"].(string); !strings.Contains(note, "one hour") {
		t.Errorf("zoho-log's note does not say its token expires: %q", note)
	}
	e.mustRun("", "hooks", "add", "--preset", "zoho-log", "--param", "api_domain=www.zohoapis.eu")
	e.mustRun("", "hooks", "add", "--preset", "pipedrive-log", "--param", "company=acme")
	r = e.mustRun("", "config", "check")
	if !strings.Contains(r.stdout, "ok (3 hooks") || strings.Contains(r.stderr, "warning") {
		t.Errorf("config check:\n%s%s", r.stdout, r.stderr)
	}
}

// A browser hook with a secret in its query (the UCware case): config
// check warns and passes; the page opens with the secret's value, and
// neither simulate's output nor the history holds it.
func TestE2EBrowserSecretInQuery(t *testing.T) {
	const secret = "UCW-S3CRET-4711"
	e := newEnv(t, `{"version": 1, "enabled": true, "country_code": "49", "source": {"mode": "none"}, "hooks": [
  {"id": "ucware", "enabled": true, "triggers": ["incoming.ring"], "action": "browser",
   "url": "https://pbx.example.com/login?token={secret.ucware}&phone={remote}"}]}`)
	bin := t.TempDir()
	opened := filepath.Join(bin, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >>" + opened + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	e.vars = append(e.vars, "CALLHOOK_SECRET_UCWARE="+secret, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	r := e.mustRun("", "config", "check")
	want := "warning: hooks[ucware].url: the browser keeps this URL in its history with the value of {secret.ucware} in plain text"
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stdout, "ok (1 hooks") {
		t.Errorf("config check, want the warning %q and ok:\n%s%s", want, r.stdout, r.stderr)
	}

	sim := e.mustRun("", "simulate", "--direction", "in", "--remote", "100", "--hangup-after", "10ms", "--wait", "60s")
	b, err := os.ReadFile(opened)
	if err != nil {
		t.Fatalf("the browser was not opened: %v\n%s%s", err, sim.stdout, sim.stderr)
	}
	if got := strings.TrimSpace(string(b)); got != "https://pbx.example.com/login?token="+secret+"&phone=100" {
		t.Errorf("the browser got %q, want the page with the secret", got)
	}
	hist := e.mustRun("", "history", "--json")
	for what, text := range map[string]string{"simulate": sim.stdout + sim.stderr, "history": hist.stdout + hist.stderr} {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the secret:\n%s", what, text)
		}
	}
	// The journal keeps what was opened, masked, and nowhere the secret.
	masked := false
	err = filepath.WalkDir(e.data, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", path)
		}
		masked = masked || strings.Contains(string(b), "opened https://pbx.example.com/login?token=***&phone=100")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !masked {
		t.Error("the journal does not keep the opened page with the secret masked")
	}
}
