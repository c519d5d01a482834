// Package ui is Callhook's desktop app: a window with the tabs Hooks
// (list and editor), Calls (live calls and history) and Settings, and a
// tray icon. It talks to the engine only through Backend, which cmd/callhook
// implements, so it is tested with fyne's test driver and a fake backend,
// without a display.
//
// Threading: every field of UI belongs to the fyne UI goroutine. Backend
// calls run on goroutines started with spawn and hand their results back
// with do (fyne.Do), so the window never waits on the network, the disk or
// the keychain.
package ui

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/callhook/callhook/assets"
	"github.com/callhook/callhook/hooks"
)

// Tab names for Options.Tab.
const (
	TabHooks    = "hooks"
	TabEditor   = "editor" // the Hooks tab with the first hook open in the editor
	TabCalls    = "calls"
	TabSettings = "settings"
)

// Options configure the GUI.
type Options struct {
	// ConfigPath is the config file, watched for changes made by other
	// programs; empty disables watching.
	ConfigPath string
	// Tray says a system tray exists: closing the window then hides it.
	// See TrayAvailable.
	Tray bool
	// Tab is the tab shown first (TabHooks when empty).
	Tab string
	// AgentNotifies says the resident agent sends the desktop
	// notifications of failed deliveries, so the window does not.
	AgentNotifies bool
	Log           *slog.Logger
}

// UI is the running desktop app.
type UI struct {
	app  fyne.App
	b    Backend
	log  *slog.Logger
	opts Options
	win  fyne.Window
	l    tr

	// do runs f on the UI goroutine; spawn runs f in the background.
	// Tests replace both to control ordering.
	do    func(f func())
	spawn func(f func())
	// confirm asks a yes/no question; tests answer it directly.
	confirm func(title, msg string, yes func())

	ctx    context.Context // cancelled on quit: ends backend calls
	cancel context.CancelFunc

	cfg        *hooks.Config
	shown      bool
	source     SourceStatus
	lastFailed bool // the last delivery failed: the tray shows an error

	tabs     *container.AppTabs
	banner   *banner
	hooks    *hooksTab
	calls    *callsTab
	settings *settingsTab
	tray     *tray
	saves    saver
	watch    *watcher
	unsub    func()
	stopped  bool
}

// New builds the GUI for app a; call Start, then a.Run.
func New(a fyne.App, b Backend, opts Options) *UI {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{
		app: a, b: b, log: opts.Log, opts: opts,
		do:     fyne.Do,
		spawn:  func(f func()) { go f() },
		ctx:    ctx,
		cancel: cancel,
		cfg:    b.Config(),
	}
	u.confirm = func(title, msg string, yes func()) {
		dialog.ShowConfirm(title, msg, func(ok bool) {
			if ok {
				yes()
			}
		}, u.win)
	}
	u.l = newTr(u.cfg.UI.Language)
	a.SetIcon(assets.Icon)
	u.win = a.NewWindow("Callhook")
	u.win.SetIcon(assets.Icon)
	u.win.Resize(fyne.NewSize(920, 680))
	u.source = b.SourceStatus()
	u.build()
	if opts.Tray {
		if d, ok := a.(desktop.App); ok {
			u.tray = newTray(u, d)
		}
	}
	u.win.SetCloseIntercept(u.closeRequested)
	// Ctrl+W (Cmd+W on macOS) closes the window, as the close button does.
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.closeRequested() })
	return u
}

// closeRequested hides the window into the tray when there is one; with
// none, closing quits, so the app never runs on invisibly.
func (u *UI) closeRequested() {
	if u.tray != nil {
		u.hide()
		return
	}
	u.Quit()
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Start subscribes to backend events, starts watching the config file and
// shows the window, unless the user asked to start minimised and a tray
// exists to bring it back.
func (u *UI) Start() {
	u.unsub = u.b.Subscribe(func(e Event) { u.do(func() { u.handle(e) }) })
	if u.opts.ConfigPath != "" {
		u.watch = newWatcher(u, u.opts.ConfigPath)
	}
	if u.cfg.UI.StartMinimised && u.tray != nil {
		u.setShown(false)
		return
	}
	u.show()
}

// Quit stops everything the GUI started and ends the app.
func (u *UI) Quit() {
	u.stop()
	u.app.Quit()
}

// stop ends background work; safe to call twice.
func (u *UI) stop() {
	if u.stopped {
		return
	}
	u.stopped = true
	if u.unsub != nil {
		u.unsub()
	}
	if u.watch != nil {
		u.watch.stop()
	}
	u.calls.setActive(false)
	u.cancel()
}

func (u *UI) show() {
	u.win.Show()
	u.win.RequestFocus()
	u.setShown(true)
}

func (u *UI) hide() {
	u.win.Hide()
	u.setShown(false)
}

// setShown starts or stops what only matters while the window is visible:
// the calls poller, the fast config poll.
func (u *UI) setShown(on bool) {
	u.shown = on
	if u.watch != nil {
		u.watch.setFast(on)
	}
	u.calls.setActive(on && u.tabs.SelectedIndex() == 1)
}

// build (re)creates the window content in the current language.
func (u *UI) build() {
	rebuilding, sel := u.tabs != nil, 0
	if rebuilding {
		sel = u.tabs.SelectedIndex()
		u.calls.setActive(false)
	}
	u.banner = newBanner(u)
	u.hooks = newHooksTab(u)
	u.calls = newCallsTab(u)
	u.settings = newSettingsTab(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItem(u.l.T("Hooks"), u.hooks.content),
		container.NewTabItem(u.l.T("Calls"), u.calls.content),
		container.NewTabItem(u.l.T("Settings"), u.settings.content),
	)
	u.tabs.OnSelected = func(*container.TabItem) {
		u.calls.setActive(u.shown && u.tabs.SelectedIndex() == 1)
	}
	u.win.SetContent(container.NewBorder(u.banner.content, nil, nil, nil, u.tabs))
	switch {
	case rebuilding:
		u.tabs.SelectIndex(sel)
	case u.opts.Tab == TabCalls:
		u.tabs.SelectIndex(1)
	case u.opts.Tab == TabSettings:
		u.tabs.SelectIndex(2)
	case u.opts.Tab == TabEditor && len(u.cfg.Hooks) > 0:
		u.hooks.edit(u.cfg.Hooks[0].ID)
	}
}

// setLanguage switches the GUI language and rebuilds the window.
func (u *UI) setLanguage(language string) {
	u.l = newTr(language)
	u.build()
	if u.tray != nil {
		u.tray.rebuild()
	}
}

// refresh shows u.cfg everywhere after it changed.
func (u *UI) refresh() {
	u.hooks.refresh()
	u.settings.refresh()
	if u.tray != nil {
		u.tray.update()
	}
}
