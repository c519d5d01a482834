package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The editor's fields and the form's scroller. The body is as tall as its
// text, so it never scrolls itself: the wheel over it scrolls the form
// (it is wrapped in a wheelTarget like the single-line fields), and the
// form follows its cursor instead.

// minBodyRows is the body's height with little or no text.
const minBodyRows = 5

// field returns a single-line text field of the form: Tab keeps it and
// the focus after it in view.
func (e *editor) field() *valueEntry {
	en := newValueEntry()
	en.form = &e.wheel
	return en
}

// fitBody makes the body as tall as its text.
func (e *editor) fitBody() {
	rows := max(minBodyRows, strings.Count(e.body.Text, "\n")+1)
	if rows != e.bodyRows {
		e.bodyRows = rows
		e.body.SetMinRowsVisible(rows)
	}
}

// followBodyCursor scrolls the form to the line with the body's cursor
// when the cursor moves while the body has the focus: typing past the
// bottom of the view (a new line, the arrow keys) keeps the cursor in
// sight. Fyne calls OnCursorChanged on every refresh of the entry, a
// click's focus too, before the click moves the cursor: only a move
// counts, or the form would jump away from under the pointer to where the
// cursor was.
func (e *editor) followBodyCursor() {
	at := [2]int{e.body.CursorRow, e.body.CursorColumn}
	if at == e.bodyCursor {
		return
	}
	e.bodyCursor = at
	c := fyne.CurrentApp().Driver().CanvasForObject(e.body)
	if c == nil || c.Focused() != e.body {
		return
	}
	line := fyne.MeasureText("M", theme.TextSize(), e.body.TextStyle).Height
	e.wheel.revealPart(e.body, float32(e.body.CursorRow)*line, line+2*theme.InnerPadding())
}
