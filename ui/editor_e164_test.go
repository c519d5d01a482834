package ui

import (
	"strings"
	"testing"

	"github.com/callhook/callhook/hooks"
)

const e164Warning = "No country code is set, so |e164 leaves national numbers such as 030 1234567 as they are instead of making them +49…: set the country code in Settings."

// Without a country code, the editor warns next to each field that uses
// {…|e164}: the hook is saved all the same. Setting the country code
// takes the warnings away.
func TestEditorWarnsAboutE164WithoutCountryCode(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		edit     func(hk *hooks.Hook)
		url      bool
		body     bool
		warnings string
	}{
		{"URL", "crm", nil, true, false, ""},
		{"body", "log", func(hk *hooks.Hook) { hk.Body = `{"caller":"{remote|e164}"}` }, false, true, ""},
		{"header", "log", func(hk *hooks.Hook) { hk.Headers = map[string]string{"X-Phone": "{remote|e164}"} }, false, false,
			"Header X-Phone: " + e164Warning},
		{"no e164", "log", nil, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.CountryCode = ""
			if tt.edit != nil {
				hk, _ := cfg.Hook(tt.id)
				tt.edit(hk)
			}
			h := newHarness(t, cfg, Options{})
			h.u.hooks.edit(tt.id)
			e := h.u.hooks.editor
			for _, f := range []struct {
				name  string
				shown bool
				text  string
				want  bool
			}{
				{"URL", e.urlWarn.Visible(), e.urlWarn.Text, tt.url},
				{"body", e.bodyWarn.Visible(), e.bodyWarn.Text, tt.body},
			} {
				if f.shown != f.want || f.want && f.text != e164Warning {
					t.Errorf("%s warning shown %v %q, want shown %v", f.name, f.shown, f.text, f.want)
				}
			}
			if tt.warnings != "" && !strings.Contains(e.warns.Text, tt.warnings) {
				t.Errorf("warnings %q lack %q", e.warns.Text, tt.warnings)
			}
			if e.errs.Visible() {
				t.Errorf("errors shown: %q; the warning must not stop saving", e.errs.Text)
			}

			// A change is saved despite the warning.
			e.name.SetText("Renamed")
			h.settle()
			if hk, _ := h.b.lastSaved(t).Hook(tt.id); hk.Name != "Renamed" {
				t.Errorf("not saved with the warning shown: %+v", hk)
			}

			// Settings saves the country code: the warnings go.
			c := h.u.cfg.Clone()
			c.CountryCode = "49"
			if err := h.u.commit(c); err != nil {
				t.Fatal(err)
			}
			h.u.hooks.refresh()
			if e.urlWarn.Visible() || e.bodyWarn.Visible() || strings.Contains(e.warns.Text, "country code") {
				t.Errorf("warnings stay with a country code: %q %q %q", e.urlWarn.Text, e.bodyWarn.Text, e.warns.Text)
			}
		})
	}
}

func TestEditorE164WarningInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.CountryCode = ""
	cfg.UI.Language = langGerman
	h := newHarness(t, cfg, Options{})
	h.u.hooks.edit("crm")
	if got, want := h.u.hooks.editor.urlWarn.Text, german[e164Warning]; got != want || want == "" {
		t.Errorf("URL warning %q, want %q", got, want)
	}
}
