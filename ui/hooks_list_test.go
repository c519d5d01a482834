package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
)

// The hook list words triggers as the editor does, never with their wire
// names, in either language, and draws no glyph fyne's font lacks (→).
func TestHookListNamesTriggersAsTheEditor(t *testing.T) {
	tests := []struct {
		name, lang string
		want       []string
	}{
		{"English", langEnglish, []string{
			"Incoming calls: Answered; Queue calls: Answered — Open in the browser: crm.example.com",
			"Outgoing calls: Ended; Incoming calls: Ended — POST in the background: crm.example.com",
		}},
		{"German", langGerman, []string{
			"Eingehende Anrufe: Angenommen; Warteschlangen-Anrufe: Angenommen — Im Browser öffnen: crm.example.com",
			"Ausgehende Anrufe: Beendet; Eingehende Anrufe: Beendet — " + german["POST in the background"] + ": crm.example.com",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := undoConfig()
			cfg.UI.Language = tt.lang
			h := newHarness(t, cfg, Options{})
			text := labels(h.u.hooks.list)
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("hook list lacks %q in:\n%s", want, text)
				}
			}
			for _, wire := range []call.Trigger{call.IncomingAnswer, call.QueueAnswer, call.IncomingHangup, call.OutgoingHangup} {
				if strings.Contains(text, string(wire)) {
					t.Errorf("hook list shows the wire name %s:\n%s", wire, text)
				}
			}
			if strings.Contains(text, "→") {
				t.Errorf("hook list draws →, which fyne's font lacks:\n%s", text)
			}
		})
	}
}

// A copy would fire along with its original for every call: it starts
// switched off, in the config and in the list.
func TestDuplicateStartsSwitchedOff(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	test.Tap(buttonsNamed(h.u.hooks.list, "Duplicate")[0])
	h.settle()
	dup, ok := h.b.lastSaved(t).Hook("crm-2")
	if !ok {
		t.Fatalf("no copy saved: %+v", h.b.lastSaved(t).Hooks)
	}
	if dup.Enabled {
		t.Error("the copy is saved switched on")
	}
	if r := h.u.hooks.rows["crm-2"]; r == nil || r.enabled.Checked {
		t.Error("the list shows the copy switched on")
	}
	if orig, _ := h.b.lastSaved(t).Hook("crm"); !orig.Enabled {
		t.Error("duplicating switched the original off")
	}
}
