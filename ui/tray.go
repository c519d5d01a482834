package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/callhook/callhook/assets"
)

// tray is the system tray icon and its menu: Show, Hooks on/off, Quit.
// Its icon says at a glance whether hooks fire: enabled, disabled, or an
// error (the source failed or the last delivery failed).
type tray struct {
	u      *UI
	d      desktop.App
	menu   *fyne.Menu
	toggle *fyne.MenuItem
	icon   fyne.Resource
}

func newTray(u *UI, d desktop.App) *tray {
	t := &tray{u: u, d: d}
	t.rebuild()
	return t
}

// rebuild creates the menu in the current language.
func (t *tray) rebuild() {
	show := fyne.NewMenuItem(t.u.l.T("Show"), t.u.show)
	t.toggle = fyne.NewMenuItem(t.u.l.T("Hooks on"), func() {
		// The policy's switch wins: the user's cannot turn hooks on.
		if t.u.policy().Enabled() {
			t.u.setGlobal(!t.u.cfg.Enabled)
		}
	})
	quit := fyne.NewMenuItem(t.u.l.T("Quit"), t.u.Quit)
	// Marked as the quit item, so fyne does not add a second one.
	quit.IsQuit = true
	t.menu = fyne.NewMenu("Callhook", show, fyne.NewMenuItemSeparator(), t.toggle, fyne.NewMenuItemSeparator(), quit)
	t.d.SetSystemTrayMenu(t.menu)
	t.icon = nil
	t.update()
}

// update shows the current state in the icon and the toggle's check
// mark: what runs, the administrator's policy included. While the policy
// switches hooks off the toggle is greyed out and says so.
func (t *tray) update() {
	polOn := t.u.policy().Enabled()
	on := t.u.cfg.Enabled && polOn
	t.toggle.Label = t.u.l.T("Hooks on")
	if !polOn {
		t.toggle.Label = trayPolicyTexts(t.u.l).HooksOff
	}
	t.toggle.Disabled = !polOn
	t.toggle.Checked = on
	t.menu.Refresh()
	icon := trayIcon(on, t.u.source.State == sourceError || t.u.lastFailed)
	if icon != t.icon {
		t.icon = icon
		t.d.SetSystemTrayIcon(icon)
	}
}

// trayIcon picks the icon: an error wins over disabled, because a failing
// source is worth noticing even with hooks off.
func trayIcon(enabled, failing bool) fyne.Resource {
	switch {
	case failing:
		return assets.TrayError
	case !enabled:
		return assets.TrayDisabled
	}
	return assets.TrayEnabled
}
