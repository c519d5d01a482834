package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// A header value in the keychain: its field says so in a few words, and
// the keychain entry's name, which can be long, is told below the row on
// a line that wraps.
func TestStoredHeaderNamesItsKeychainEntryBelowTheRow(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	cfg.Hooks[1].Headers = map[string]string{"Authorization": "{secret.anrufprotokoll-authorization}"}
	h := newHarness(t, cfg, Options{})
	h.u.hooks.edit("log")
	h.settle()
	r := h.u.hooks.editor.headers.rows[0]
	if got, want := r.value.PlaceHolder, "im Schlüsselbund gespeichert"; got != want {
		t.Errorf("value field says %q, want %q", got, want)
	}
	if want := "Im Schlüsselbund gespeichert als anrufprotokoll-authorization."; !r.stored.Visible() || r.stored.Text != want {
		t.Errorf("below the row: %q (shown %v), want %q", r.stored.Text, r.stored.Visible(), want)
	}
	if r.stored.Wrapping == fyne.TextWrapOff {
		t.Error("the keychain entry's name does not wrap")
	}
	r.secret.SetChecked(false)
	h.settle()
	if r.stored.Visible() {
		t.Errorf("Secret unticked, and the row still says %q", r.stored.Text)
	}
}
