package ui

import (
	"strings"
	"testing"
)

// The UCware case in the editor: a browser hook's URL with a
// {secret.NAME} in its query is saved, with a warning that the browser
// keeps it in its history, in the window's language. In the path it is
// refused under the URL, and a post hook may still not carry one in its
// query.
func TestEditorBrowserSecretInQuery(t *testing.T) {
	const ucware = "https://pbx.example.com/login?user={user}&token={secret.ucware}"
	for _, tt := range []struct {
		lang, warning string
	}{
		{langEnglish, "the browser keeps this URL in its history with the value of {secret.ucware} in plain text, readable by anyone who can read the history"},
		{langGerman, "Der Browser speichert diese URL mit dem Wert von {secret.ucware} im Klartext in seinem Verlauf, lesbar für jeden, der den Verlauf lesen kann"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = tt.lang
			h := newHarness(t, cfg, Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			e.url.SetText(ucware)
			h.settle()
			if e.urlMsg.Visible() || e.errs.Visible() {
				t.Fatalf("refused: %q %q", e.urlMsg.Text, e.errs.Text)
			}
			if !e.warns.Visible() || !strings.Contains(e.warns.Text, tt.warning) {
				t.Errorf("warnings %q (shown %v), want %q", e.warns.Text, e.warns.Visible(), tt.warning)
			}
			if hk, _ := h.b.lastSaved(t).Hook("crm"); hk.URL != ucware {
				t.Errorf("saved URL %q, want %q", hk.URL, ucware)
			}
			if !strings.Contains(e.preview.Text, "https://pbx.example.com/login?user=max&token=") {
				t.Errorf("preview %q", e.preview.Text)
			}

			// No secret, no warning.
			e.url.SetText("https://crm.example.com/search?phone={remote|e164}")
			h.settle()
			if strings.Contains(e.warns.Text, "{secret.") {
				t.Errorf("warning stays without a secret: %q", e.warns.Text)
			}

			// In the path: refused where the URL is typed, not saved.
			saved := len(h.b.saved())
			e.url.SetText("https://pbx.example.com/{secret.ucware}/login")
			h.settle()
			if !e.urlMsg.Visible() || !strings.Contains(e.urlMsg.Text, "{secret.ucware}") {
				t.Errorf("a secret in the path: URL message %q (shown %v)", e.urlMsg.Text, e.urlMsg.Visible())
			}
			if n := len(h.b.saved()); n != saved {
				t.Errorf("a secret in the path was saved")
			}
		})
	}

	// A post hook's query is no place for a secret.
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	e.url.SetText("https://crm.example.com/api/calls?token={secret.crm}")
	h.settle()
	if !e.urlMsg.Visible() || !strings.Contains(e.urlMsg.Text, "userinfo") {
		t.Errorf("post hook with a secret in the query: URL message %q (shown %v)", e.urlMsg.Text, e.urlMsg.Visible())
	}
	if strings.Contains(e.warns.Text, "history") {
		t.Errorf("post hook warned about the browser's history: %q", e.warns.Text)
	}
}
