package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// focusButton moves the focus with Tab (FocusNext) until it is on the
// dialog's button labelled text, as a user would, and returns it.
func focusButton(t *testing.T, c fyne.Canvas, text string) fyne.Focusable {
	t.Helper()
	for range 20 {
		c.FocusNext()
		if b, ok := c.Focused().(*dialogButton); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("Tab never reaches a %q button that takes Enter (focus on %T)", text, c.Focused())
	return nil
}

// Enter on a button of a fyne dialog reached with Tab presses it: Yes and
// No of a question, Simulate of the simulate form; Tab stops on each
// button once. Enter in the form's field does what it did (nothing: the
// form stays open), and while the form is invalid its Simulate button is
// disabled and Enter does nothing either.
func TestEnterPressesTheFocusedDialogButton(t *testing.T) {
	for _, tt := range []struct {
		button string
		yes    bool
	}{{"No", false}, {"Yes", true}} {
		t.Run("question, "+tt.button, func(t *testing.T) {
			h := newHarnessApp(t, sampleConfig(), Options{})
			answered, yes := false, !tt.yes
			h.u.showDialog(dialog.NewConfirm("Question", "Really?", func(ok bool) { answered, yes = true, ok }, h.u.win))
			c := h.u.win.Canvas()
			focusButton(t, c, tt.button)
			pressKey(c, fyne.KeyReturn)
			if !answered || yes != tt.yes {
				t.Errorf("Enter on %s: answered %v, yes %v", tt.button, answered, yes)
			}
			if c.Overlays().Top() != nil {
				t.Error("the question is still open")
			}
		})
	}
	t.Run("Tab stops on each button once", func(t *testing.T) {
		h := newHarnessApp(t, sampleConfig(), Options{})
		h.u.showDialog(dialog.NewConfirm("Question", "Really?", func(bool) {}, h.u.win))
		c := h.u.win.Canvas()
		var seen []string
		for range 4 {
			c.FocusNext()
			switch f := c.Focused().(type) {
			case *dialogButton:
				seen = append(seen, f.Text)
			case *widget.Button:
				t.Fatalf("Tab reached fyne's own %q button, which ignores Enter", f.Text)
			}
		}
		if len(seen) != 4 || seen[0] != "No" || seen[1] != "Yes" || seen[2] != "No" {
			t.Errorf("Tab stops %v, want No, Yes, No, Yes", seen)
		}
	})
	t.Run("simulate form", func(t *testing.T) {
		h := newHarnessApp(t, sampleConfig(), Options{})
		got := recordSimulations(h)
		d := openSimulate(t, h)
		c := h.u.win.Canvas()

		c.Focus(d.number)
		pressKey(c, fyne.KeyReturn)
		if c.Overlays().Top() == nil || len(got) != 0 {
			t.Fatal("Enter in the number field closed the form")
		}
		d.number.SetText("")
		b := focusButtonOrNil(c, "Simulate")
		if b != nil {
			t.Error("Tab reaches Simulate while the number is empty")
		}
		if !d.simulate.Disabled() {
			t.Error("fyne's Simulate is not disabled with the number empty")
		}
		d.number.SetText("+4930555010")
		focusButton(t, c, "Simulate")
		pressKey(c, fyne.KeyReturn)
		h.settle()
		if c.Overlays().Top() != nil {
			t.Fatal("Enter on Simulate left the form open")
		}
		select {
		case p := <-got:
			if p.remote != "+4930555010" {
				t.Errorf("simulated %+v", p)
			}
		default:
			t.Error("Enter on Simulate simulated nothing")
		}
	})
}

func focusButtonOrNil(c fyne.Canvas, text string) fyne.Focusable {
	for range 20 {
		c.FocusNext()
		if b, ok := c.Focused().(*dialogButton); ok && b.Text == text {
			return b
		}
	}
	return nil
}

// A focused dialog button is drawn as one.
func TestDialogButtonShowsFocus(t *testing.T) {
	h := newHarnessApp(t, sampleConfig(), Options{})
	h.u.showDialog(dialog.NewConfirm("Question", "Really?", func(bool) {}, h.u.win))
	c := h.u.win.Canvas()
	b := focusButton(t, c, "Yes").(*dialogButton)
	c.Unfocus()
	before := test.RenderObjectToMarkup(b)
	c.Focus(b)
	if test.RenderObjectToMarkup(b) == before {
		t.Error("a focused dialog button is drawn as an unfocused one")
	}
}
