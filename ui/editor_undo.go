package ui

import (
	"reflect"
	"slices"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// Every valid edit is saved at once, so leaving the editor cannot simply
// drop what was typed: the file already holds it. Undo puts back the hook
// the editor opened on, whole, in one save; a hook created in the editor
// is taken out again. Secrets stored in the keychain meanwhile stay
// there, unreferenced.

// snapshot remembers the hook as the config holds it, before any edit.
func (e *editor) snapshot(h *hooks.Hook) {
	e.orig = h.Clone()
}

// edited reports whether there is anything to undo: a save since the
// editor opened, or input that differs from what it showed then.
func (e *editor) edited() bool {
	if e.created {
		return !e.isNew || !sameHook(e.h, e.base) || e.headers.typing()
	}
	hk, ok := e.u.cfg.Hook(e.orig.ID)
	return !ok || !sameHook(*hk, e.orig) || !sameHook(e.h, e.base) || e.headers.typing()
}

// showUndo enables Undo once there is something to undo.
func (e *editor) showUndo() {
	if e.edited() {
		e.undoBtn.Enable()
	} else {
		e.undoBtn.Disable()
	}
}

// restore saves the config with the hook as it was when the editor
// opened, or without the hook this editor created. It reports whether
// the config now says so; a problem is shown in the editor.
func (e *editor) restore() bool {
	cfg := e.u.cfg.Clone()
	id := e.orig.ID
	if e.created {
		if e.isNew {
			return true // never saved: nothing to take out
		}
		id = e.h.ID
	}
	i := slices.IndexFunc(cfg.Hooks, func(h hooks.Hook) bool { return h.ID == id })
	switch {
	case e.created && i < 0:
		return true
	case e.created:
		cfg.Hooks = slices.Delete(cfg.Hooks, i, i+1)
	case i < 0:
		cfg.Hooks = append(cfg.Hooks, e.orig.Clone())
	case reflect.DeepEqual(cfg.Hooks[i], e.orig):
		return true // as it was: no save needed
	default:
		cfg.Hooks[i] = e.orig.Clone()
	}
	if err := e.u.commit(cfg); err != nil {
		e.showProblems(e.problemTexts(err), nil)
		e.state.SetText(e.u.l.T("Could not undo the changes: fix the problems shown."))
		return false
	}
	return true
}

// askUndo is the Undo button: after the user confirms, an existing hook
// is shown again as it was, and a new one is gone with the editor.
func (e *editor) askUndo() {
	l := e.u.l
	msg := l.T("Undo changes returns this hook to how it was when you opened it. Keep changes leaves it as it is now.")
	if e.created {
		msg = l.T("Undo changes removes this new hook. Keep changes leaves it as it is now.")
	}
	e.ask(l.T("Undo your changes to this hook?"), msg, l.T("Keep changes"), e.undo)
}

// undo restores the hook and leaves the editor, or shows the hook again
// in a fresh one.
func (e *editor) undo() {
	if !e.restore() {
		return
	}
	if e.created {
		e.u.hooks.closeEditor()
		return
	}
	h := e.orig.Clone()
	n := newEditor(e.u, &h)
	e.u.hooks.open(n)
	n.state.SetText(e.u.l.T("Changes undone: the hook is as it was when you opened it."))
}

// askLeave is Back with input that is not saved: the user either undoes
// every change since the editor opened or stays to finish.
func (e *editor) askLeave() {
	l := e.u.l
	msg := l.T("Some of your changes are not saved: the editor shows why. Undo changes returns this hook to how it was when you opened it. Keep editing lets you finish them.")
	if e.created {
		msg = l.T("Some of your changes are not saved: the editor shows why. Undo changes removes this new hook. Keep editing lets you finish them.")
	}
	e.ask(l.T("Undo your changes to this hook?"), msg, l.T("Keep editing"), func() {
		if e.restore() {
			e.u.hooks.closeEditor()
		}
	})
}

// ask shows a question whose buttons say what they do: Undo changes
// (marked as destructive) and keep, which does nothing.
func (e *editor) ask(title, msg, keep string, undo func()) {
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok && e.u.hooks.editor == e {
			undo()
		}
	}, e.u.win)
	d.SetConfirmText(e.u.l.T("Undo changes"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.SetDismissText(keep)
	e.u.showDialog(d)
}

// sameHook compares hooks as the config file would show them: an empty
// list or map is the same as none.
func sameHook(a, b hooks.Hook) bool {
	norm := func(h hooks.Hook) hooks.Hook {
		h = h.Clone()
		if len(h.Triggers) == 0 {
			h.Triggers = nil
		}
		if len(h.Headers) == 0 {
			h.Headers = nil
		}
		return h
	}
	return reflect.DeepEqual(norm(a), norm(b))
}
