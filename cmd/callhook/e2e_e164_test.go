package main

import (
	"os"
	"strings"
	"testing"
)

// A hook using {remote|e164} without a country code is valid, but config
// check says why it will not normalise national numbers.
func TestConfigCheckE164Warning(t *testing.T) {
	const cfg = `{"version":1,"enabled":true,%s"source":{"mode":"none"},
  "hooks":[{"id":"crm","enabled":true,"triggers":["incoming.answer"],"action":"browser",
            "url":"https://crm.example.com/search?phone={remote|e164}"}]}`
	e := newEnv(t, strings.Replace(cfg, "%s", "", 1))
	r := e.run("", "config", "check")
	if r.code != exitOK {
		t.Fatalf("config check: exit %d, want 0: warnings do not fail\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := `warning: hooks[crm].url: {remote|e164} needs a country code to turn national numbers (030 1234567) into +49…: set "country_code" (e.g. "49" for Germany)`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks\n%s\ngot\n%s", want, r.stderr)
	}
	if !strings.Contains(r.stdout, "ok (1 hooks") {
		t.Errorf("stdout %q: want ok", r.stdout)
	}

	e = newEnv(t, strings.Replace(cfg, "%s", `"country_code":"49",`, 1))
	r = e.mustRun("", "config", "check")
	if strings.Contains(r.stderr, "country") {
		t.Errorf("warning with a country code set:\n%s", r.stderr)
	}
}

// config init proposes the country code of the locale, and what it
// writes passes config check without the warning.
func TestConfigInitCountryCode(t *testing.T) {
	e := newEnv(t, "")
	e.vars = append(e.vars, "LC_ALL=de_DE.UTF-8")
	r := e.mustRun("", "config", "init")
	if !strings.Contains(r.stdout, "country code 49 (from the locale de_DE.UTF-8)") {
		t.Errorf("config init does not say what it chose:\n%s", r.stdout)
	}
	b, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"country_code": "49"`) {
		t.Errorf("config lacks the country code:\n%s", b)
	}
	if r := e.mustRun("", "config", "check"); strings.Contains(r.stderr, "warning") {
		t.Errorf("config check on the starter config warns:\n%s", r.stderr)
	}
}
