package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// tab presses Tab, or Shift+Tab with back, as fyne's desktop driver does
// (glfw window.processKeyPressed and capturesTab): the focused widget
// hears the key go down; one that accepts Tab has it typed, otherwise the
// window moves the focus; what was handed to do runs (the press is over);
// the widget focused then hears the key go up.
func tab(h *harness, back bool) {
	h.t.Helper()
	c := h.u.win.Canvas()
	ev := &fyne.KeyEvent{Name: fyne.KeyTab}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
	}
	switch f := c.Focused(); {
	case f != nil && acceptsTab(f):
		f.TypedKey(ev)
	case back:
		c.FocusPrevious()
	default:
		c.FocusNext()
	}
	h.settle()
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyUp(ev)
	}
	h.settle()
}

func acceptsTab(f fyne.Focusable) bool {
	t, ok := f.(fyne.Tabbable)
	return ok && t.AcceptsTab()
}

// longBody is a POST body taller than the editor's view.
var longBody = "{\n" + strings.Repeat(`  "caller": "{caller}",`+"\n", 40) + `  "end": 1` + "\n}"

// openLongBody opens the POST hook with a long body, the form scrolled to
// the top.
func openLongBody(t *testing.T) (*harness, *editor) {
	t.Helper()
	h, e := editing(t, "log")
	e.body.SetText(longBody)
	h.settle()
	e.wheel.scroll.ScrollToTop()
	return h, e
}

// inView reports whether o is wholly in the view of the editor's form.
func inView(e *editor, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	s := e.wheel.scroll
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s).Y
	return y >= 0 && y+o.Size().Height <= s.Size().Height+0.5
}

// Tab in the body moves the focus on, Shift+Tab back, as in every other
// field: the body does not keep Tab for a tab character.
func TestTabLeavesTheBody(t *testing.T) {
	for _, back := range []bool{false, true} {
		h, e := editing(t, "log")
		c := h.u.win.Canvas()
		before := e.body.Text
		c.Focus(e.body)
		tab(h, back)
		if c.Focused() == e.body || e.body.Text != before {
			t.Fatalf("back %v: Tab stayed in the body, which now reads %q", back, e.body.Text)
		}
		b, ok := c.Focused().(*widget.Button)
		want := "Add header" // the log hook has no headers yet
		if back {
			want = "Insert placeholder" // the body's
		}
		if !ok || b.Text != want {
			t.Errorf("back %v: focus on %T %v, want the button %s", back, c.Focused(), c.Focused(), want)
		}
	}
}

// Tab to a field below the view scrolls the form to it, whether the
// focus comes from a field or a button, and Shift+Tab back up too.
func TestTabScrollsTheFocusIntoView(t *testing.T) {
	h, e := openLongBody(t)
	c := h.u.win.Canvas()
	add := findButtons(e.content)["Add header"]
	if inView(e, add) || inView(e, e.timeout) {
		t.Fatal("the fields below the long body are in view from the start: the test proves nothing")
	}
	c.Focus(e.body) // as a click does: no scrolling
	tab(h, false)
	if c.Focused() != add || !inView(e, add) {
		t.Errorf("Tab from the body: focus on %v, Add header in view %v", c.Focused(), inView(e, add))
	}
	tab(h, false)
	if c.Focused() != e.timeout || !inView(e, e.timeout) {
		t.Errorf("Tab from Add header: focus on %v, Timeout in view %v", c.Focused(), inView(e, e.timeout))
	}
	e.wheel.scroll.ScrollToTop()
	tab(h, false)
	if c.Focused() != e.retries || !inView(e, e.retries) {
		t.Errorf("Tab from Timeout: focus on %v, Retries in view %v", c.Focused(), inView(e, e.retries))
	}
	c.Focus(e.name)
	e.wheel.scroll.ScrollToBottom()
	if inView(e, e.name) {
		t.Fatal("the name is in view with the form at the bottom")
	}
	tab(h, false)
	tab(h, true)
	if c.Focused() != e.name || !inView(e, e.name) {
		t.Errorf("Shift+Tab back to the name: focus on %v, Name in view %v", c.Focused(), inView(e, e.name))
	}
}

// Typing on past the bottom of the view keeps the body's cursor in sight.
func TestTheFormFollowsTheBodysCursor(t *testing.T) {
	h, e := openLongBody(t)
	c := h.u.win.Canvas()
	c.Focus(e.body)
	e.body.CursorRow, e.body.CursorColumn = 0, 0
	for range 40 {
		e.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	h.settle()
	d := fyne.CurrentApp().Driver()
	s := e.wheel.scroll
	line := e.body.MinSize().Height / float32(e.bodyRows)
	y := d.AbsolutePositionForObject(e.body).Y - d.AbsolutePositionForObject(s).Y + float32(e.body.CursorRow)*line
	if e.body.CursorRow != 40 || y < 0 || y+line > s.Size().Height {
		t.Errorf("cursor on row %d at %.0f, the view is %.0f tall", e.body.CursorRow, y, s.Size().Height)
	}
}

// The body is as tall as its text, so it never scrolls itself, and the
// wheel over it scrolls the editor, short or long.
func TestWheelOverTheBodyScrollsTheEditor(t *testing.T) {
	for _, text := range []string{`{"caller":"{caller}"}`, longBody} {
		h, e := editing(t, "log")
		e.body.SetText(text)
		h.settle()
		s := e.wheel.scroll
		e.wheel.reveal(e.body)
		s.ScrollToOffset(fyne.NewPos(0, s.Offset.Y-10)) // room to move down
		visit(e.body, func(o fyne.CanvasObject) {
			if in, ok := o.(*container.Scroll); ok && in.Content != nil && in.Content.MinSize().Height > in.Size().Height+0.5 {
				t.Errorf("%d lines: the body's text is %.0f tall in a view of %.0f",
					strings.Count(text, "\n")+1, in.Content.MinSize().Height, in.Size().Height)
			}
		})
		if !wheelOver(t, s, e.body) {
			t.Errorf("%d lines: the wheel over the body did not scroll the editor", strings.Count(text, "\n")+1)
		}
	}
}
