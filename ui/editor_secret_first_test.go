package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// Issue #11 follow-up: Secret ticked before typing, the value is stored
// when its field is left, as Enter does; the config names it and never
// holds it.
func TestSecretTickedFirstIsStoredWhenTheFieldIsLeft(t *testing.T) {
	const value = "Bearer tick3d-first-99"
	tests := []struct {
		name   string
		finish func(h *harness, e *editor, r *headerRow)
		closed bool
	}{
		{"focus moves to another field", func(h *harness, e *editor, r *headerRow) { leave(h, e) }, false},
		{"focus moves away, nowhere", func(h *harness, e *editor, r *headerRow) {
			h.u.win.Canvas().Unfocus()
			h.settle()
		}, false},
		{"back to the list", func(h *harness, e *editor, r *headerRow) {
			test.Tap(findButtons(e.content)["Back to the list"])
			h.settle()
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			e, r := newHeaderRow(t, h, "Authorization")
			tapCheck(r.secret)
			h.settle()
			h.u.win.Canvas().Focus(r.value)
			keyByKey(h, r.value, value, func(typed string) {
				assertNotLeaked(t, h, "tick3d-first-99", "after typing "+typed)
			})
			tt.finish(h, e, r)
			assertNotLeaked(t, h, "tick3d-first-99", "after leaving the field")
			if got := h.b.secret("log-authorization"); got != value {
				t.Errorf("keychain holds %q, want %q", got, value)
			}
			hk, _ := h.b.lastSaved(t).Hook("log")
			if got := hk.Headers["Authorization"]; got != "{secret.log-authorization}" {
				t.Errorf("config header = %q, want the secret reference", got)
			}
			if tt.closed != (h.u.hooks.editor == nil) {
				t.Errorf("editor open %v, want %v", h.u.hooks.editor != nil, !tt.closed)
			}
			if !tt.closed && (e.unsaved || r.secretName == "") {
				t.Errorf("unsaved %v, row stored as %q", e.unsaved, r.secretName)
			}
		})
	}
}

// Unticking Secret by tapping it takes the focus from the value first:
// the value must not go to the keychain on the way.
func TestUntickingSecretDoesNotStoreTheValue(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	_, r := newHeaderRow(t, h, "X-Custom")
	tapCheck(r.secret)
	h.settle()
	h.u.win.Canvas().Focus(r.value)
	keyByKey(h, r.value, "hello", func(string) {})
	// What a click on the box does: the value loses the focus, then the
	// box toggles, before queued UI work runs.
	h.u.win.Canvas().Focus(r.secret)
	tapCheck(r.secret)
	h.settle()
	if got := h.b.secret("log-x-custom"); got != "" {
		t.Errorf("keychain holds %q after unticking", got)
	}
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.Headers["X-Custom"] != "hello" {
		t.Errorf("config header = %q, want the plain value", hk.Headers["X-Custom"])
	}
}
