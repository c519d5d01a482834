package ui

import (
	"strings"
	"testing"

	"github.com/callhook/callhook/hooks"
)

func TestNewFromPresetAddsHookAndOpensEditor(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	if findButtons(h.u.hooks.page)["New from preset"] == nil {
		t.Fatal("the Hooks tab has no New from preset button")
	}
	f := newPresetForm(h.u.hooks)
	for _, o := range f.pick.Options {
		if strings.Contains(o, "HubSpot: open") {
			t.Errorf("offers %q, which has no documented URL", o)
		}
	}
	f.pick.SetSelected("Salesforce: log the call")
	if f.entries["token_secret"] == nil || f.entries["token_secret"].Text != "salesforce-token" {
		t.Fatalf("token_secret field missing or without its default: %v", f.entries)
	}
	if !strings.Contains(f.note.Text, "developer.salesforce.com") {
		t.Errorf("note does not name the source: %q", f.note.Text)
	}

	// A missing parameter is an error naming it; nothing is saved.
	before := len(h.b.saved())
	if err := f.create(); err == nil || !strings.Contains(err.Error(), "instance") {
		t.Fatalf("create without instance: %v", err)
	}
	if len(h.b.saved()) != before {
		t.Error("a failed preset saved the config")
	}

	f.entries["instance"].SetText("acme.my.salesforce.com")
	if err := f.create(); err != nil {
		t.Fatal(err)
	}
	h.settle()
	hk, ok := h.b.lastSaved(t).Hook("salesforce-log")
	if !ok || hk.URL != "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Task" {
		t.Fatalf("saved hooks: %+v", h.b.lastSaved(t).Hooks)
	}
	if e := h.u.hooks.editor; e == nil || e.isNew || e.h.ID != "salesforce-log" {
		t.Fatal("the editor is not open on the new hook")
	}

	// The same preset again gets the next free id.
	if err := f.create(); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if _, ok := h.b.lastSaved(t).Hook("salesforce-log-2"); !ok {
		t.Errorf("second hook not saved as salesforce-log-2: %+v", h.b.lastSaved(t).Hooks)
	}
}

// The New from preset dialog speaks the window's language: every
// available preset's note and parameter help has German, so a preset
// added to package hooks without it fails here.
func TestGermanPresetTexts(t *testing.T) {
	de := tr{lang: langGerman}
	for _, p := range hooks.Presets() {
		if !p.Available {
			continue
		}
		q, _ := hooks.LookupPreset(p.Name)
		texts := []string{q.Note}
		for _, pp := range q.ParamInfo() {
			texts = append(texts, pp.Help)
		}
		for _, s := range texts {
			if _, ok := germanPresetMsgs[s]; !ok {
				t.Errorf("preset %s: no German for %q (add it to germanPresetMsgs)", p.Name, s)
			} else if de.Msg(s) == s {
				t.Errorf("preset %s: %q is not translated by the catalogue", p.Name, s)
			}
		}
	}

	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h := newHarness(t, cfg, Options{})
	f := newPresetForm(h.u.hooks)
	f.choose("freshdesk-log")
	if !strings.HasPrefix(f.note.Text, "protokolliert den Anruf") || f.entries["domain"].PlaceHolder != germanPresetMsgs["your Freshdesk subdomain, e.g. mycompany for mycompany.freshdesk.com"] {
		t.Errorf("the German dialog shows note %q and help %q", f.note.Text, f.entries["domain"].PlaceHolder)
	}
}
