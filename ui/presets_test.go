package ui

import (
	"strings"
	"testing"
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
