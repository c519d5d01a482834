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
// "no"), and gives its buttons the keys of a dialog's buttons (see
// keyButtons).
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		u.dialogs = slices.DeleteFunc(u.dialogs, func(o dialog.Dialog) bool { return o == d })
	})
	d.Show()
	u.keyButtons(d)
}

// keyButtons puts a dialogButton in the place of each of fyne's buttons
// in the row of dialog d, just shown: fyne's button knows only Space, so
// Enter on a button the user reached with Tab did nothing. fyne builds
// its dialogs as a pop-up over a container whose button row is a
// container of *widget.Button only; the content is the dialog's own
// (ours use dialogButton already). Each dialogButton presses its
// original, which keeps what fyne does with it: a form dialog disables
// its confirm button while the form is invalid, and the dialogButton
// follows (see followForm).
func (u *UI) keyButtons(d dialog.Dialog) {
	pop, ok := u.win.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		return
	}
	box, ok := pop.Content.(*fyne.Container)
	if !ok {
		return
	}
	var form *widget.Form
	var made []*dialogButton
	for _, o := range box.Objects {
		if f, ok := o.(*widget.Form); ok {
			form = f
		}
		row, ok := o.(*fyne.Container)
		if !ok || len(row.Objects) == 0 || !slices.ContainsFunc(row.Objects, isFyneButton) ||
			slices.ContainsFunc(row.Objects, func(o fyne.CanvasObject) bool { return !isFyneButton(o) }) {
			continue
		}
		for i, o := range row.Objects {
			b := keyedButton(o.(*widget.Button), d.Dismiss)
			row.Objects[i] = b
			made = append(made, b)
		}
		row.Refresh()
	}
	if form != nil {
		followForm(form, made)
	}
}

func isFyneButton(o fyne.CanvasObject) bool {
	_, ok := o.(*widget.Button)
	return ok
}

// keyedButton is a dialogButton that looks like and presses orig.
func keyedButton(orig *widget.Button, cancel func()) *dialogButton {
	b := newDialogButton(orig.Text, orig.Icon, func() {
		if !orig.Disabled() && orig.OnTapped != nil {
			orig.OnTapped()
		}
	}, cancel)
	b.orig = orig
	b.Importance, b.Alignment, b.IconPlacement = orig.Importance, orig.Alignment, orig.IconPlacement
	if orig.Disabled() {
		b.Disable()
	}
	return b
}

// followForm keeps the confirm button of a form dialog (fyne's is the one
// of high importance) enabled only while the form is valid, as fyne's
// dialog does with its own button, whose callback this replaces.
func followForm(f *widget.Form, buttons []*dialogButton) {
	f.SetOnValidationChanged(func(err error) {
		for _, b := range buttons {
			if b.orig == nil || b.orig.Importance != widget.HighImportance {
				continue
			}
			if err != nil {
				b.orig.Disable()
				b.Disable()
			} else {
				b.orig.Enable()
				b.Enable()
			}
		}
	})
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
	// orig is the fyne button this one replaced in a fyne dialog (see
	// keyButtons), nil for ours. It stays under this one, hidden, where
	// whoever looks for the dialog's buttons finds it.
	orig *widget.Button
}

func newDialogButton(label string, icon fyne.Resource, tapped, cancel func()) *dialogButton {
	b := &dialogButton{cancel: cancel}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the button, with the fyne button it replaced
// hidden under it: not drawn, never focused.
func (b *dialogButton) CreateRenderer() fyne.WidgetRenderer {
	r := b.Button.CreateRenderer()
	if b.orig == nil {
		return r
	}
	b.orig.Hide()
	return &withHidden{WidgetRenderer: r, hidden: b.orig}
}

// withHidden is a renderer with one more object, hidden.
type withHidden struct {
	fyne.WidgetRenderer
	hidden fyne.CanvasObject
}

func (r *withHidden) Objects() []fyne.CanvasObject {
	return append(slices.Clip(r.WidgetRenderer.Objects()), r.hidden)
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
