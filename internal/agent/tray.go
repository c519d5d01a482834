package agent

import (
	"fmt"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
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
	// toggleTitle is the switch's title shown (it changes with the
	// language and the policy).
	toggleTitle string
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
	t.toggleTitle = tx.HooksOn
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
			if !t.a.svc.e.Policy().Enabled() {
				// Greyed out: the policy's switch wins.
				t.redraw()
				continue
			}
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
	st := trayStateOf(cfg.UI.Language, cfg.Enabled, t.a.svc.e.Policy().Enabled(), t.a.svc.Failing())
	t.mu.Lock()
	defer t.mu.Unlock()
	if st.toggle != t.toggleTitle {
		t.toggleTitle = st.toggle
		t.toggle.SetTitle(st.toggle)
	}
	if cfg.UI.Language != t.lang {
		tx := ui.TrayTexts(cfg.UI.Language)
		t.lang = cfg.UI.Language
		t.show.SetTitle(tx.Show)
		t.exit.SetTitle(tx.Quit)
	}
	if st.checked != t.toggle.Checked() {
		if st.checked {
			t.toggle.Check()
		} else {
			t.toggle.Uncheck()
		}
	}
	if st.locked != t.toggle.Disabled() {
		if st.locked {
			t.toggle.Disable()
		} else {
			t.toggle.Enable()
		}
	}
	systray.SetTooltip(st.tooltip)
	icon := st.icon.Content()
	if string(icon) != string(t.icon) {
		t.icon = icon
		systray.SetIcon(osIcon(icon))
	}
}

// trayState is what the tray shows.
type trayState struct {
	// toggle is the switch's title; checked its tick; locked greys it out.
	toggle          string
	checked, locked bool
	tooltip         string
	icon            fyne.Resource
}

// trayStateOf is the tray for the user's switch (userOn) under the
// policy's (policyOn): it shows what runs. While the administrator's
// policy switches hooks off, the switch is greyed out and says so, and
// the tooltip names the administrator: nothing the user clicks turns
// hooks on.
func trayStateOf(language string, userOn, policyOn, failing bool) trayState {
	tx := ui.TrayTexts(language)
	on := userOn && policyOn
	st := trayState{toggle: tx.HooksOn, checked: on, tooltip: tx.Enabled, icon: ui.TrayIcon(on, failing)}
	if !policyOn {
		px := ui.TrayPolicyTexts(language)
		st.toggle, st.locked = px.HooksOff, true
	}
	switch {
	case failing:
		st.tooltip = tx.Failing
	case !policyOn:
		st.tooltip = ui.TrayPolicyTexts(language).Tooltip
	case !on:
		st.tooltip = tx.Disabled
	}
	return st
}
