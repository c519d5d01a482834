package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callhook/callhook/hooks"
)

func fakeEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestProposeCountryCode(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		have     string // the config's country code before
		want     string
		wantNote string
	}{
		{"German locale", map[string]string{"LANG": "de_DE.UTF-8"}, "", "49",
			"country code 49 (from the locale de_DE.UTF-8); change it in Settings"},
		{"LC_ALL first", map[string]string{"LC_ALL": "de_AT.UTF-8@euro", "LANG": "en_US.UTF-8"}, "", "43", "from the locale de_AT.UTF-8@euro"},
		{"C locale", map[string]string{"LANG": "C.UTF-8"}, "", "", "no country code: the locale C.UTF-8 names no country"},
		{"unknown region", map[string]string{"LANG": "xx_ZZ"}, "", "", "no country code"},
		{"no locale", nil, "", "", "no locale is set"},
		{"code already set", map[string]string{"LANG": "de_DE.UTF-8"}, "41", "41", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := hooks.Default()
			cfg.CountryCode = tt.have
			note := proposeCountryCode(cfg, fakeEnv(tt.env))
			if cfg.CountryCode != tt.want {
				t.Errorf("country code %q, want %q", cfg.CountryCode, tt.want)
			}
			if tt.wantNote == "" && note != "" || !strings.Contains(note, tt.wantNote) {
				t.Errorf("note %q, want one containing %q", note, tt.wantNote)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("proposed config is invalid: %v", err)
			}
		})
	}
}

// The config a first start writes carries the country code of the locale,
// and the user is told where it came from.
func TestCreateConfigWritesProposedCountryCode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callhook", "config.json")
	var out, errb bytes.Buffer
	cfg, err := createConfig(path, stdio{out: &out, err: &errb}, fakeEnv(map[string]string{"LANG": "de_DE.UTF-8"}))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := hooks.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CountryCode != "49" || saved.CountryCode != "49" {
		t.Errorf("country code %q returned, %q saved; want 49", cfg.CountryCode, saved.CountryCode)
	}
	if want := "country code 49 (from the locale de_DE.UTF-8); change it in Settings"; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q, want it to say %q", errb.String(), want)
	}
}

func TestLoadOrCreateFirstStart(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_GB.UTF-8")
	dir := t.TempDir()
	p := paths{config: filepath.Join(dir, "config.json"), data: filepath.Join(dir, "data")}
	var out, errb bytes.Buffer
	cfg, first, code := loadOrCreate(p, stdio{out: &out, err: &errb})
	if cfg == nil || !first || code != exitOK {
		t.Fatalf("loadOrCreate = %v, %v, %d\n%s", cfg, first, code, errb.String())
	}
	if saved, err := hooks.Load(p.config); err != nil || saved.CountryCode != "44" {
		t.Errorf("saved country code %q (%v), want 44", saved.CountryCode, err)
	}
}

// An existing config is the user's: an empty country code stays empty,
// whatever the locale says.
func TestLoadOrCreateKeepsExistingConfig(t *testing.T) {
	t.Setenv("LC_ALL", "de_DE.UTF-8")
	dir := t.TempDir()
	p := paths{config: filepath.Join(dir, "config.json"), data: filepath.Join(dir, "data")}
	if err := hooks.Save(p.config, hooks.Default()); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(p.config)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cfg, first, code := loadOrCreate(p, stdio{out: &out, err: &errb})
	if cfg == nil || first || code != exitOK {
		t.Fatalf("loadOrCreate = %v, %v, %d\n%s", cfg, first, code, errb.String())
	}
	after, err := os.ReadFile(p.config)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CountryCode != "" || !bytes.Equal(before, after) {
		t.Errorf("existing config changed: country code %q\n%s", cfg.CountryCode, after)
	}
}

func TestConfigInitProposesCountryCode(t *testing.T) {
	dir := t.TempDir()
	p := paths{config: filepath.Join(dir, "config.json"), data: filepath.Join(dir, "data")}
	var out, errb bytes.Buffer
	std := stdio{in: strings.NewReader(""), out: &out, err: &errb}
	if code := configInit(p, std, fakeEnv(map[string]string{"LC_MESSAGES": "fr_CH.UTF-8"})); code != exitOK {
		t.Fatalf("config init: exit %d\n%s", code, errb.String())
	}
	saved, err := hooks.Load(p.config)
	if err != nil {
		t.Fatal(err)
	}
	if saved.CountryCode != "41" {
		t.Errorf("country code %q, want 41", saved.CountryCode)
	}
	if !strings.Contains(out.String(), "country code 41 (from the locale fr_CH.UTF-8)") {
		t.Errorf("output %q does not say what was chosen", out.String())
	}
	if w := saved.E164Warnings(); len(w) != 0 {
		t.Errorf("the starter config warns: %v", w)
	}
}
