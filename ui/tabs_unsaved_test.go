package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Leaving a tab with input that is not saved warns, naming the tab; the
// input stays, the warning offers the way back and goes there. Leaving
// a tab with nothing unsaved says nothing.
func TestLeavingUnsavedInputWarns(t *testing.T) {
	tests := []struct {
		name     string
		language string
		tab      int
		edit     func(t *testing.T, h *harness)
		want     string // "" for no warning
	}{
		{"an editor that does not validate", langEnglish, 0, func(t *testing.T, h *harness) {
			h.u.hooks.edit("crm")
			h.u.hooks.editor.url.SetText("not a url")
		}, "You left unsaved input in Hooks: it is kept there until you finish or undo it."},
		{"an editor, all saved", langEnglish, 0, func(t *testing.T, h *harness) {
			h.u.hooks.edit("crm")
			h.u.hooks.editor.url.SetText("https://crm.example.com/other?phone={remote}")
		}, ""},
		{"a refused country code, in German", langGerman, 2, func(t *testing.T, h *harness) {
			h.u.settings.country.SetText("0049")
		}, "Sie haben ungespeicherte Eingaben in Einstellungen zurückgelassen: Sie bleiben dort, bis Sie sie abschließen."},
		{"a refused source value", langEnglish, 2, func(t *testing.T, h *harness) {
			h.u.settings.proxy.upstream.SetText("pbx.example.com:99999")
		}, "You left unsaved input in Settings: it is kept there until you finish it."},
		{"a source value typed and valid applies on leaving", langEnglish, 2, func(t *testing.T, h *harness) {
			h.u.settings.proxy.upstream.SetText("pbx2.example.com:5060")
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := proxyConfig()
			cfg.UI.Language = tt.language
			h := newHarness(t, cfg, Options{})
			h.u.settings.after = func(time.Duration, func()) func() { return func() {} } // no pause: only leaving applies
			h.u.tabs.SelectIndex(tt.tab)
			tt.edit(t, h)
			h.settle()
			h.u.tabs.SelectIndex(1)
			h.settle()
			if got := h.u.banner.message(); got != tt.want {
				t.Fatalf("banner %q, want %q", got, tt.want)
			}
			if tt.want == "" {
				if tt.tab == 2 && h.b.lastSaved(t).Source.Proxy.Upstream != "pbx2.example.com:5060" {
					t.Error("the typed source value was not applied on leaving the tab")
				}
				return
			}
			test.Tap(h.u.banner.action)
			if h.u.tabs.SelectedIndex() != tt.tab {
				t.Errorf("the way back leads to tab %d, want %d", h.u.tabs.SelectedIndex(), tt.tab)
			}
			if h.u.banner.message() != "" {
				t.Error("the warning stays after going back")
			}
			// Back by hand: the warning goes too.
			h.u.tabs.SelectIndex(1)
			if h.u.banner.message() != tt.want {
				t.Fatal("leaving again does not warn again")
			}
			h.u.tabs.SelectIndex(tt.tab)
			if h.u.banner.message() != "" {
				t.Error("the warning stays after coming back by hand")
			}
		})
	}
}
