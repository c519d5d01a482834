package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// wheelOver turns the wheel down over o, an entry the form wraps, and
// reports whether the form's scroller moved.
func wheelOver(t *testing.T, s *container.Scroll, o fyne.CanvasObject) bool {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(o)
	if c == nil || o.Size().IsZero() {
		t.Fatalf("%T is not shown", o)
	}
	before := s.Offset.Y
	test.Scroll(c, d.AbsolutePositionForObject(o).Add(fyne.NewPos(10, 10)), 0, -50)
	return s.Offset.Y > before
}

// The wheel over an entry of the settings scrolls the settings.
func TestWheelOverASettingsEntryScrollsTheSettings(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	h.u.tabs.SelectIndex(2)
	h.settle()
	s := h.u.settings
	if s.wheel.scroll == nil || s.content != s.wheel.scroll {
		t.Fatal("the settings do not scroll with their wheel target")
	}
	if !wheelOver(t, s.wheel.scroll, s.proxy.listen) {
		t.Error("the wheel over the listen address did not scroll the settings")
	}
}

// The wheel over an entry of the editor scrolls the editor's form.
func TestWheelOverAnEditorEntryScrollsTheEditor(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.tabs.SelectIndex(0)
	h.u.hooks.edit("log") // a POST hook: its form is taller than the window
	h.settle()
	e := h.u.hooks.editor
	if e.wheel.scroll == nil {
		t.Fatal("the editor has no wheel target")
	}
	if !wheelOver(t, e.wheel.scroll, e.name) {
		t.Error("the wheel over the name did not scroll the editor")
	}
}
