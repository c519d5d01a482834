package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Small widget helpers shared by the tabs.

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func section(s string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), bold(s))
}

func message(imp widget.Importance) *widget.Label {
	m := widget.NewLabel("")
	m.Importance = imp
	m.Wrapping = fyne.TextWrapWord
	m.Hide()
	return m
}

// showMessage shows text in m, or hides m when text is empty.
func showMessage(m *widget.Label, text string) {
	m.SetText(text)
	setVisible(m, text != "")
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// wheelTarget is the scroller of a long form. Fyne gives the mouse wheel
// to the innermost scrollable object under the pointer, and every entry
// holds a scroller of its own: over a single-line entry the wheel does
// nothing (or scrolls a long value sideways) instead of scrolling the
// form. Entries wrapped with entry pass it on to the form's scroller.
//
//	var w wheelTarget
//	name := widget.NewEntry()
//	form := widget.NewForm(widget.NewFormItem("Name", w.entry(name)))
//	content := w.vscroll(form)
type wheelTarget struct {
	scroll *container.Scroll
	// later runs f once the event being handled is over (the UI's do);
	// revealFocusedLater needs it.
	later func(f func())
}

// vscroll returns the vertical scroller of content that the wheel over
// the wrapped entries scrolls.
func (w *wheelTarget) vscroll(content fyne.CanvasObject) *container.Scroll {
	w.scroll = container.NewVScroll(content)
	return w.scroll
}

// reveal scrolls the form so that o, a widget in it, is in view; o
// taller than the view shows its top.
func (w *wheelTarget) reveal(o fyne.CanvasObject) {
	w.revealPart(o, 0, o.Size().Height)
}

// revealPart scrolls the form so that the part of o from top, height
// tall, is in view, with a padding's room around it.
func (w *wheelTarget) revealPart(o fyne.CanvasObject, top, height float32) {
	s := w.scroll
	d := fyne.CurrentApp().Driver()
	if s == nil || d.CanvasForObject(o) == nil || d.CanvasForObject(s) == nil || !o.Visible() {
		return
	}
	pad := theme.Padding()
	// From the top of the view: the content lies Offset above it.
	y := d.AbsolutePositionForObject(o).Y + top - d.AbsolutePositionForObject(s).Y - pad
	height += 2 * pad
	view := s.Size().Height
	off := s.Offset.Y
	switch {
	case y < 0:
		off += y
	case y+height > view:
		off += min(y+height-view, y)
	default:
		return
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, off))
}

// revealFocusedLater shows, once the event being handled is over, the
// widget that then has the keyboard focus, if the form holds it: a Tab
// that a field hears before the window moves the focus away from it
// calls this.
func (w *wheelTarget) revealFocusedLater() {
	if w.later == nil || w.scroll == nil {
		return
	}
	w.later(func() {
		c := fyne.CurrentApp().Driver().CanvasForObject(w.scroll)
		if c == nil {
			return
		}
		if f, ok := c.Focused().(fyne.CanvasObject); ok && holds(w.scroll.Content, f) {
			w.reveal(f)
		}
	})
}

// holds reports whether o is target or lies under it, as far as fyne's
// public API shows: containers, scrollers, forms and wheelPass. The
// parts of a composite widget (a CheckGroup's boxes) are not seen.
func holds(o, target fyne.CanvasObject) bool {
	if o == target {
		return true
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			if holds(c, target) {
				return true
			}
		}
	case *container.Scroll:
		return w.Content != nil && holds(w.Content, target)
	case *widget.Form:
		for _, it := range w.Items {
			if it.Widget != nil && holds(it.Widget, target) {
				return true
			}
		}
	case *wheelPass:
		return holds(w.o, target)
	}
	return false
}

// entry wraps a single-line entry (any entry, select or password entry)
// so that the wheel over it scrolls the form; taps, typing, the pointer
// and a Form's validation reach the entry as before. A multi-line entry
// wrapped so could no longer be scrolled itself: it must be as tall as
// its text (the editor's body grows with it, fitBody).
func (w *wheelTarget) entry(e fyne.CanvasObject) fyne.CanvasObject {
	p := &wheelPass{o: e, catch: &wheelCatch{to: w}}
	p.catch.ExtendBaseWidget(p.catch)
	p.ExtendBaseWidget(p)
	return p
}

// wheelPass lays a wheelCatch over o. Fyne finds the scrollable object
// at the pointer among what is drawn last, so the catch, drawn over the
// entry, takes the wheel from the entry's scroller; it is no Tappable,
// Focusable or Hoverable, so everything else still finds the entry.
type wheelPass struct {
	widget.BaseWidget
	o     fyne.CanvasObject
	catch *wheelCatch
}

var _ fyne.Validatable = (*wheelPass)(nil)

func (p *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(p.o, p.catch))
}

// Validate lets a widget.Form show the entry's validation.
func (p *wheelPass) Validate() error {
	if v, ok := p.o.(fyne.Validatable); ok {
		return v.Validate()
	}
	return nil
}

// SetOnValidationChanged lets a widget.Form follow the entry's validation.
func (p *wheelPass) SetOnValidationChanged(f func(error)) {
	if v, ok := p.o.(fyne.Validatable); ok {
		v.SetOnValidationChanged(f)
	}
}

var _ fyne.Disableable = (*wheelPass)(nil)

// Disable disables the entry: disableAll reaches it through the wrapper.
func (p *wheelPass) Disable() {
	if d, ok := p.o.(fyne.Disableable); ok {
		d.Disable()
	}
}

// Enable enables the entry.
func (p *wheelPass) Enable() {
	if d, ok := p.o.(fyne.Disableable); ok {
		d.Enable()
	}
}

// Disabled reports whether the entry is disabled.
func (p *wheelPass) Disabled() bool {
	if d, ok := p.o.(fyne.Disableable); ok {
		return d.Disabled()
	}
	return false
}

// wheelCatch takes the wheel over an entry and scrolls the form with it.
type wheelCatch struct {
	widget.BaseWidget
	to *wheelTarget
}

var _ fyne.Scrollable = (*wheelCatch)(nil)

func (c *wheelCatch) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

func (c *wheelCatch) Scrolled(ev *fyne.ScrollEvent) {
	if c.to.scroll != nil {
		c.to.scroll.Scrolled(ev)
	}
}
