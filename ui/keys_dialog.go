package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A question's width, as fyne sizes its own text dialogs: the text on
// one line plus the dialog's padding, at most questionMaxWidth and a
// share of the window.
const (
	questionPadding     = 32
	questionMaxWidth    = 400
	questionWindowShare = 0.9
)

// showDialog shows d and keeps it among the open dialogs until it closes,
// so that Escape closes it as its dismiss button does (its callback sees
// "no").
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		u.dialogs = slices.DeleteFunc(u.dialogs, func(o dialog.Dialog) bool { return o == d })
	})
	d.Show()
}

// dismissDialog closes the dialog on top; false when none is open.
func (u *UI) dismissDialog() bool {
	if len(u.dialogs) == 0 {
		return false
	}
	u.dialogs[len(u.dialogs)-1].Dismiss()
	return true
}

// confirmDelete asks before deleting. Cancel is the default: it has the
// focus, so Enter takes it, and Escape cancels too; Delete is marked as
// destructive and needs a click, or Tab then Enter.
func (u *UI) confirmDelete(title, msg string, yes func()) {
	l := u.l
	text := &widget.Label{Text: msg, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomWithoutButtons(title, text, u.win)
	cancel := newDialogButton(l.T("Cancel"), theme.CancelIcon(), d.Hide, d.Hide)
	del := newDialogButton(l.T("Delete"), theme.DeleteIcon(), func() {
		d.Hide()
		yes()
	}, d.Hide)
	del.Importance = widget.DangerImportance
	d.SetButtons([]fyne.CanvasObject{cancel, del})
	d.SetIcon(theme.QuestionIcon())
	// A wrapping label has no width of its own: give the text the width
	// it needs on one line, within fyne's limits for its own questions.
	w := widget.NewLabel(msg).MinSize().Width + questionPadding + 2*theme.Padding()
	w = min(w, questionMaxWidth, u.win.Canvas().Size().Width*questionWindowShare)
	d.Resize(fyne.NewSize(w, d.MinSize().Height))
	u.showDialog(d)
	u.win.Canvas().Focus(cancel)
}

// dialogEntry is a text field in a dialog: Escape closes the dialog, as
// it does with nothing focused. fyne's entry takes every key and drops
// Escape.
type dialogEntry struct {
	widget.Entry
	u *UI
}

func newDialogEntry(u *UI) *dialogEntry {
	e := &dialogEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the dialog on Escape.
func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.u.dismissDialog()
		return
	}
	e.Entry.TypedKey(ev)
}

// dialogSelectEntry is a dialogEntry that offers choices too.
type dialogSelectEntry struct {
	widget.SelectEntry
	u *UI
}

func newDialogSelectEntry(u *UI, options []string) *dialogSelectEntry {
	e := &dialogSelectEntry{u: u}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	if len(options) == 0 {
		e.ActionItem.Hide() // nothing to choose: no empty drop-down
	}
	return e
}

// TypedKey closes the dialog on Escape.
func (e *dialogSelectEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.u.dismissDialog()
		return
	}
	e.SelectEntry.TypedKey(ev)
}

// dialogButton is a dialog's button that takes the keys such a button
// takes on the desktop: Enter and Space press it, Escape cancels the
// dialog. fyne's button knows only Space, and while a button has the
// focus no other key reaches the window.
type dialogButton struct {
	widget.Button
	cancel func()
}

func newDialogButton(label string, icon fyne.Resource, tapped, cancel func()) *dialogButton {
	b := &dialogButton{cancel: cancel}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter, cancels on Escape.
func (b *dialogButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.cancel()
	default:
		b.Button.TypedKey(ev)
	}
}
