package agent

import (
	"fmt"
	"sync"
	"sync/atomic"

	"fyne.io/systray"

	"github.com/callhook/callhook/ui"
)

// trayIcon is the agent's tray icon, drawn with fyne.io/systray: no
// OpenGL, no fyne app in this process. Menu: Show, Hooks on, Quit.
type trayIcon struct {
	a     *Agent
	ready atomic.Bool

	mu     sync.Mutex
	show   *systray.MenuItem
	toggle *systray.MenuItem
	exit   *systray.MenuItem
	lang   string
	icon   []byte
}

func newTrayIcon(a *Agent) *trayIcon { return &trayIcon{a: a} }

func (t *trayIcon) up() bool { return t.ready.Load() }

// run shows the icon and blocks until quit is closed. systray panics on
// quit when its bus went away under it (a desktop session ending):
// the agent survives that and shuts down as usual.
func (t *trayIcon) run(quit <-chan struct{}) {
	go func() {
		<-quit
		systray.Quit()
	}()
	defer func() {
		if r := recover(); r != nil {
			t.a.log.Warn("tray: ended with an error", "err", fmt.Sprint(r))
			<-quit
		}
	}()
	systray.Run(t.onReady, nil)
}

// onReady builds the menu once systray is up, and serves its clicks.
func (t *trayIcon) onReady() {
	cfg := t.a.svc.e.Config()
	tx := ui.TrayTexts(cfg.UI.Language)
	systray.SetTitle("Callhook")
	t.mu.Lock()
	t.lang = cfg.UI.Language
	t.show = systray.AddMenuItem(tx.Show, "")
	systray.AddSeparator()
	t.toggle = systray.AddMenuItemCheckbox(tx.HooksOn, "", cfg.Enabled)
	systray.AddSeparator()
	t.exit = systray.AddMenuItem(tx.Quit, "")
	t.mu.Unlock()
	systray.SetOnTapped(t.showWindow)
	t.ready.Store(true)
	t.redraw()
	go t.serve()
}

func (t *trayIcon) serve() {
	for {
		select {
		case <-t.a.quit:
			return
		case <-t.show.ClickedCh:
			t.showWindow()
		case <-t.toggle.ClickedCh:
			on := !t.a.svc.e.Config().Enabled
			if err := t.a.svc.SetEnabled(on); err != nil {
				t.a.log.Error("tray: switch hooks", "on", on, "err", err)
			}
			t.redraw()
		case <-t.exit.ClickedCh:
			t.a.Quit()
			return
		}
	}
}

func (t *trayIcon) showWindow() {
	if err := t.a.ShowWindow(); err != nil {
		t.a.log.Error("tray: show window", "err", err)
	}
}

// redraw shows the current state: icon, tooltip, the switch's tick, and
// the menu's language.
func (t *trayIcon) redraw() {
	if !t.ready.Load() {
		return
	}
	cfg := t.a.svc.e.Config()
	failing := t.a.svc.Failing()
	tx := ui.TrayTexts(cfg.UI.Language)
	t.mu.Lock()
	defer t.mu.Unlock()
	if cfg.UI.Language != t.lang {
		t.lang = cfg.UI.Language
		t.show.SetTitle(tx.Show)
		t.toggle.SetTitle(tx.HooksOn)
		t.exit.SetTitle(tx.Quit)
	}
	if cfg.Enabled != t.toggle.Checked() {
		if cfg.Enabled {
			t.toggle.Check()
		} else {
			t.toggle.Uncheck()
		}
	}
	// The icon shows what runs: a policy may switch every hook off
	// whatever the user's switch says.
	on := cfg.Enabled && t.a.svc.e.Effective().Enabled
	tip := tx.Enabled
	switch {
	case failing:
		tip = tx.Failing
	case !on:
		tip = tx.Disabled
	}
	systray.SetTooltip(tip)
	icon := ui.TrayIcon(on, failing).Content()
	if string(icon) != string(t.icon) {
		t.icon = icon
		systray.SetIcon(osIcon(icon))
	}
}
