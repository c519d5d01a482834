package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A banner lies over the bottom of the window: the tabs and what they
// show keep their place and size, so a click aimed at a field does not
// land on another that the banner pushed under the pointer.
func TestBannerDoesNotMoveTheTabs(t *testing.T) {
	tests := []struct {
		name  string
		tab   int
		probe func(u *UI) fyne.CanvasObject
	}{
		{"hooks", 0, func(u *UI) fyne.CanvasObject { return findButtons(u.hooks.page)[u.l.T("Add hook")] }},
		{"calls", 1, func(u *UI) fyne.CanvasObject { return u.calls.search }},
		{"settings", 2, func(u *UI) fyne.CanvasObject { return u.settings.mode }},
		{"editor", 0, func(u *UI) fyne.CanvasObject {
			u.hooks.edit("crm")
			return u.hooks.editor.url
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.tabs.SelectIndex(tt.tab)
			h.settle()
			probe := tt.probe(h.u)
			d := fyne.CurrentApp().Driver()
			pos, size, tabs := d.AbsolutePositionForObject(probe), probe.Size(), h.u.tabs.Size()
			if size.IsZero() {
				t.Fatal("the probe is not laid out")
			}
			h.u.banner.show(bannerError, strings.Repeat("The config file changed on disk but has problems. ", 6), "Load the file", nil)
			if got := d.AbsolutePositionForObject(probe); got != pos {
				t.Errorf("the banner moved %T from %v to %v", probe, pos, got)
			}
			if probe.Size() != size || h.u.tabs.Size() != tabs {
				t.Errorf("the banner resized the tab: %v → %v, tabs %v → %v", size, probe.Size(), tabs, h.u.tabs.Size())
			}
			top := d.AbsolutePositionForObject(h.u.banner.content).Y
			end := d.AbsolutePositionForObject(h.u.tabs).Y + tabs.Height
			if bottom := top + h.u.banner.content.Size().Height; bottom != end || top < end/2 {
				t.Errorf("the banner spans y %v…%v of tabs ending at %v, want it at the bottom", top, bottom, end)
			}
			if got := h.u.banner.content.Size().Height; got < 3*theme.TextSize() {
				t.Errorf("the long message got %v of height, want it wrapped on several lines", got)
			}
			h.u.banner.hide()
			if got := d.AbsolutePositionForObject(probe); got != pos {
				t.Errorf("hiding the banner moved %T from %v to %v", probe, pos, got)
			}
		})
	}
}

// A tap on the banner's text stays on the banner: it does not reach the
// widget underneath. Above the banner, taps reach it.
func TestBannerTakesItsTaps(t *testing.T) {
	tapped := 0
	under := widget.NewButton("under", func() { tapped++ })
	b := newBanner(nil)
	w := test.NewTempWindow(t, b.over(under))
	w.Resize(fyne.NewSize(400, 300))
	b.show(bannerWarning, "A message", "", nil)
	c := w.Canvas()
	text := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.text).Add(fyne.NewPos(5, 5))
	test.TapCanvas(c, text)
	if tapped != 0 {
		t.Error("a tap on the banner's text reached the button underneath")
	}
	test.TapCanvas(c, fyne.NewPos(200, 20))
	if tapped != 1 {
		t.Error("a tap above the banner did not reach the button")
	}
}

// The editor's state, problems and test result appear below the form:
// a long test result does not move the fields under the pointer.
func TestEditorMessagesDoNotMoveTheForm(t *testing.T) {
	h, e := editing(t, "crm")
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(e.url)
	if e.url.Size().IsZero() {
		t.Fatal("the URL field is not laid out")
	}
	showMessage(e.testOut, "Not delivered: could not connect to crm.example.com:443: nothing is listening there\nsecond line\nthird line")
	showMessage(e.errs, "URL: a problem\nanother problem")
	h.u.win.Content().Refresh()
	h.u.win.Resize(h.u.win.Canvas().Size())
	if got := d.AbsolutePositionForObject(e.url); got != pos {
		t.Errorf("the URL field moved from %v to %v when messages appeared", pos, got)
	}
}
