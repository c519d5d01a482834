package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// tabKeys select the tabs in their order: Ctrl+1 Hooks, Ctrl+2 Calls,
// Ctrl+3 Settings.
var tabKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3}

// addKeys gives the window its keyboard: the main menu's shortcuts, and
// Escape for the dialog on top when showDialog opened it (fyne 2.7's
// dialogs take no keys).
func (u *UI) addKeys() {
	u.setMenu()
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.dismissDialog()
		}
	})
}

// setMenu puts the main menu, in the current language, on the window.
// Its items carry the window's shortcuts, Ctrl (Cmd on macOS) with W to
// close the window as its close button does, with N for a new hook, with
// 1 to 3 for the tabs: fyne's desktop driver offers a shortcut to the
// main menu first, then to the focused widget, and only then to the
// canvas. A text field takes every shortcut it is handed, so shortcuts
// on the canvas would do nothing while the cursor is in a field.
func (u *UI) setMenu() {
	l := u.l
	item := func(label string, key fyne.KeyName, run func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, run)
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		return it
	}
	closeWin := item(l.T("Close window"), fyne.KeyW, u.closeRequested)
	// Closing the window ends the window's process (or hides it into a
	// tray): it is the menu's way out, and fyne adds a Quit of its own
	// to a first menu that has none.
	closeWin.IsQuit = true
	view := fyne.NewMenu(l.T("View"))
	for i, key := range tabKeys {
		view.Items = append(view.Items, item(u.tabs.Items[i].Text, key, u.unlessDialog(func() { u.tabs.SelectIndex(i) })))
	}
	u.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu(l.T("File"), item(l.T("New hook"), fyne.KeyN, u.unlessDialog(u.newHook)),
			fyne.NewMenuItemSeparator(), closeWin),
		view))
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
