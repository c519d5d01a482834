package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// tabKeys select the tabs in their order: Ctrl+1 Hooks, Ctrl+2 Calls,
// Ctrl+3 Settings.
var tabKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3}

// addKeys puts the window's keyboard shortcuts on its canvas. Ctrl (Cmd
// on macOS) with W closes the window as its close button does, with N
// opens a new hook, with 1 to 3 shows a tab. Escape closes the dialog on
// top when showDialog opened it: fyne 2.7's dialogs take no keys.
//
// fyne hands a shortcut to the focused widget when that widget takes
// shortcuts, as text fields do, and to the canvas only otherwise: with
// the cursor in a field, these wait until it leaves the field.
func (u *UI) addKeys() {
	c := u.win.Canvas()
	add := func(key fyne.KeyName, run func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { run() })
	}
	add(fyne.KeyW, u.closeRequested)
	add(fyne.KeyN, u.unlessDialog(u.newHook))
	for i, key := range tabKeys {
		add(key, u.unlessDialog(func() { u.tabs.SelectIndex(i) }))
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.dismissDialog()
		}
	})
}

// unlessDialog runs f only while no dialog or pop-up covers the window:
// what a shortcut opens must not change behind a question waiting for an
// answer.
func (u *UI) unlessDialog(f func()) func() {
	return func() {
		if u.win.Canvas().Overlays().Top() == nil {
			f()
		}
	}
}

// newHook is Ctrl+N: the Hooks tab's "Add hook". An editor already open
// stays, as the Add button is hidden behind it too: it may hold input
// that is not saved yet, and Back is where the user decides about that.
func (u *UI) newHook() {
	u.tabs.SelectIndex(0)
	if u.hooks.editor == nil {
		u.hooks.add()
	}
}
