package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// wheelForm is a form taller than its window, with an entry at its top:
// wrapped to pass the wheel on when wrap is set.
func wheelForm(t *testing.T, wrap bool) (*widget.Entry, *container.Scroll, fyne.Canvas) {
	var w wheelTarget
	e := widget.NewEntry()
	e.SetText("a value longer than the field is wide, so that fyne would scroll it sideways")
	var field fyne.CanvasObject = e
	if wrap {
		field = w.entry(e)
	}
	items := []*widget.FormItem{widget.NewFormItem("Field", field)}
	for range 30 {
		items = append(items, widget.NewFormItem("Other", widget.NewLabel("text")))
	}
	s := w.vscroll(widget.NewForm(items...))
	if !wrap {
		s = container.NewVScroll(widget.NewForm(items...))
	}
	win := test.NewTempWindow(t, s)
	win.Resize(fyne.NewSize(300, 200))
	return e, s, win.Canvas()
}

// In fyne 2.7 the wheel over an entry goes to the entry's own scroller,
// and the form does not move; over a wrapped entry it scrolls the form.
func TestWheelOverAnEntryScrollsTheForm(t *testing.T) {
	for _, wrap := range []bool{false, true} {
		e, s, c := wheelForm(t, wrap)
		over := fyne.CurrentApp().Driver().AbsolutePositionForObject(e).Add(fyne.NewPos(10, 10))
		test.Scroll(c, over, 0, -50)
		if moved := s.Offset.Y > 0; moved != wrap {
			t.Errorf("wrapped %v: the wheel over the entry moved the form %v", wrap, s.Offset.Y)
		}
	}
}

// tapEntry is an entry that counts the taps reaching it.
type tapEntry struct {
	widget.Entry
	taps int
}

func (e *tapEntry) Tapped(ev *fyne.PointEvent) {
	e.taps++
	e.Entry.Tapped(ev)
}

// A wrapped entry still takes taps and typing, and a form still sees its
// validation.
func TestWrappedEntryStillTypes(t *testing.T) {
	var w wheelTarget
	e := &tapEntry{}
	e.ExtendBaseWidget(e)
	e.Validator = func(v string) error {
		if v == "" {
			return errEmpty
		}
		return nil
	}
	form := widget.NewForm(widget.NewFormItem("Field", w.entry(e)))
	form.OnSubmit = func() {}
	win := test.NewTempWindow(t, w.vscroll(form))
	win.Resize(fyne.NewSize(300, 200))
	c := win.Canvas()
	test.TapCanvas(c, fyne.CurrentApp().Driver().AbsolutePositionForObject(e).Add(fyne.NewPos(10, 10)))
	if e.taps != 1 {
		t.Fatal("a tap on the wrapped entry did not reach it")
	}
	c.Focus(e)
	test.Type(e, "abc")
	if e.Text != "abc" {
		t.Errorf("typed %q, want abc", e.Text)
	}
	e.SetText("")
	if submit := findButtons(form)["Submit"]; submit == nil || !submit.Disabled() {
		t.Error("the form does not see the entry's validation")
	}
}

var errEmpty = errorString("empty")

type errorString string

func (e errorString) Error() string { return string(e) }
