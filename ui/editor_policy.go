package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// newManagedViewer opens a hook of the administrator's policy in the
// editor, read-only: every field shows what the policy says and none
// takes input. Test and Back work as for the user's hooks.
func newManagedViewer(u *UI, m hooks.ManagedHookState) *editor {
	h := m.Hook.Clone()
	e := &editor{u: u, readOnly: true}
	e.snapshot(&h)
	e.h = h.Clone()
	e.build()
	e.load()
	e.lock(m)
	return e
}

// lock disables every field and says whose hook this is.
func (e *editor) lock(m hooks.ManagedHookState) {
	l := e.u.l
	disableAll(e.form)
	e.undoBtn.Hide()
	note := l.T("Managed by your administrator: this hook comes from the policy and cannot be changed here.")
	if extra := managedNote(l, m); extra != "" {
		note += " " + extra
	}
	e.state.SetText(note)
	e.state.Importance = widget.WarningImportance
	e.state.Wrapping = fyne.TextWrapWord
	e.state.Refresh()
}

// checkManaged is check for a read-only editor: nothing is validated
// against the user's config (the policy's hook is no part of it), but
// the preview shows, and so does a host the policy's own allowed hosts
// refuse.
func (e *editor) checkManaged() []string {
	e.collect()
	var warns []string
	for _, p := range e.u.cfg.PolicyWarnings(e.u.policy()) {
		if p.Hook == e.h.ID && p.Field == "url" {
			warns = append(warns, e.u.l.Msg(p.Message))
		}
	}
	e.showProblems(nil, warns)
	e.updatePreview()
	return nil
}

// hostRefused is the policy's refusal of the draft's URL host, in the
// window's language, or "".
func (e *editor) hostRefused() string {
	if e.h.URL == "" {
		return ""
	}
	if err := e.u.policy().CheckURL(e.h.URL); err != nil {
		return e.u.l.Msg(err.Error())
	}
	return ""
}

// disableAll disables every widget under o that takes input: in
// containers, scrolls and forms. Fyne's own Form.Disable only disables
// its submit and cancel buttons (which the editor's forms do not show),
// not its items.
func disableAll(o fyne.CanvasObject) {
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			disableAll(c)
		}
	case *container.Scroll:
		disableAll(w.Content)
	case *widget.Form:
		for _, it := range w.Items {
			disableAll(it.Widget)
		}
	case fyne.Disableable:
		w.Disable()
	}
}

// enableAll undoes disableAll.
func enableAll(o fyne.CanvasObject) {
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			enableAll(c)
		}
	case *container.Scroll:
		enableAll(w.Content)
	case *widget.Form:
		for _, it := range w.Items {
			enableAll(it.Widget)
		}
	case fyne.Disableable:
		w.Enable()
	}
}
