// Package ui is Callhook's desktop app: a window with the tabs Hooks
// (list and editor), Calls (live calls and history) and Settings, and a
// tray icon. It talks to the engine only through Backend, which cmd/callhook
// implements, so it is tested with fyne's test driver and a fake backend,
// without a display.
//
// Threading: every field of UI belongs to the fyne UI goroutine. Backend
// calls run on goroutines started with spawn and hand their results back
// with do (fyne.Do), so the window never waits on the network, the disk or
// the keychain. Once the app quits, the goroutine that ran it takes that
// role for a moment: see Finish.
package ui

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

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
	// confirm asks before something is deleted (see confirmDelete);
	// tests answer it directly.
	confirm func(title, msg string, yes func())
	// dialogs are the dialogs open through showDialog, the top one last.
	dialogs []dialog.Dialog
	// after runs f on the UI goroutine once d has passed, unless the
	// returned stop is called first; tests replace it with a clock they
	// advance.
	after func(d time.Duration, f func()) (stop func())

	ctx    context.Context // cancelled on quit: ends backend calls
	cancel context.CancelFunc
	// ended says the app quits or has quit: what is handed to do from then
	// on waits in late for Finish, as no UI loop will run it.
	ended atomic.Bool
	late  chan func()

	cfg        *hooks.Config
	shown      bool
	source     SourceStatus
	lastFailed bool // the last delivery failed: the tray shows an error

	tabs *container.AppTabs
	tab  int // the tab selected last: the one a switch leaves
	// leftWarning is the banner's warning of unsaved input left in the
	// tab leftTab, while it shows.
	leftWarning string
	leftTab     int
	// simFade clears the Hooks tab's word on a simulated call.
	simFade  fade
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
		late:   make(chan func(), lateWork),
		cfg:    b.Config(),
	}
	u.confirm = u.confirmDelete
	u.after = u.afterFunc
	u.l = newTr(u.cfg.UI.Language)
	applyTheme(a)
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
	u.addKeys()
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
	u.guardDo()
	u.unsub = u.b.Subscribe(func(e Event) {
		u.do(func() {
			if !u.stopped {
				u.handle(e)
			}
		})
	})
	if u.opts.ConfigPath != "" {
		u.watch = newWatcher(u, u.opts.ConfigPath)
	}
	if u.cfg.UI.StartMinimised && u.tray != nil {
		u.setShown(false)
		return
	}
	u.show()
}

// Quit stops everything the GUI started and ends the app. Call Finish
// once the app's Run has returned.
func (u *UI) Quit() {
	u.ended.Store(true)
	u.stop()
	u.app.Quit()
}

// stop ends background work; safe to call twice. A source setting typed
// less than a pause ago applies first: quitting must not lose it.
func (u *UI) stop() {
	if u.stopped {
		return
	}
	u.settings.sourceLeft()
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

// Quitting waits this long for the settings saves still running: the
// agent normally answers within milliseconds, but a window whose agent
// hangs must still close.
const quitSaveTimeout = 5 * time.Second

// lateWork is how much UI work Finish holds; more is dropped.
const lateWork = 64

// guardDo keeps do safe across quitting. Once fyne's loop has ended,
// fyne.Do runs what it is handed at once on the caller's goroutine,
// where a widget refresh logs "Error in Fyne call thread" and races the
// goroutine that ran the app. So work reaching the UI after Quit (or
// after fyne quit on its own: it catches SIGINT and SIGTERM too) waits
// in late, where Finish runs it or nobody does. Tests replace do before
// Start; the guard goes around theirs.
func (u *UI) guardDo() {
	do := u.do
	u.do = func(f func()) {
		do(func() {
			if !u.ended.Load() {
				f()
				return
			}
			select {
			case u.late <- f:
			default: // Finish is done or far behind: nothing runs it
			}
		})
	}
}

// Finish completes quitting on the goroutine that ran the app, after its
// Run returned: the UI stops if fyne quit before Quit could run (fyne
// handles SIGINT and SIGTERM itself, and may win the race with ours), so
// what was typed last is saved either way; then the saves still running
// get up to quitSaveTimeout, and the UI work they hand back runs here.
func (u *UI) Finish() {
	u.ended.Store(true)
	u.stop()
	deadline := time.NewTimer(quitSaveTimeout)
	defer deadline.Stop()
	for u.saving() {
		select {
		case f := <-u.late:
			f()
		case <-deadline.C:
			u.log.Warn("quit before the settings were saved", "waited", quitSaveTimeout)
			return
		}
	}
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
	u.tab = 0
	u.tabs.OnSelected = func(*container.TabItem) {
		u.tabLeft(u.tab)
		u.tab = u.tabs.SelectedIndex()
		if u.tabs.SelectedIndex() == 1 && !u.calls.active {
			// Shown again from what is loaded: the global switch may
			// have changed what a call without deliveries says.
			u.calls.applyFilter()
		}
		u.calls.setActive(u.shown && u.tabs.SelectedIndex() == 1)
	}
	u.win.SetContent(u.banner.over(u.tabs))
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

// tabLeft warns when the tab just left (index i) holds input that is not
// saved. It warns rather than asks: the input stays where it is, and a
// question would stand between the user and the tab they chose. The
// warning names the tab and offers the way back; it goes once they are
// back.
func (u *UI) tabLeft(i int) {
	now := u.tabs.SelectedIndex()
	if u.leftWarning != "" && u.banner.message() == u.leftWarning && now == u.leftTab {
		u.banner.hide()
	}
	if i == now {
		return
	}
	var msg string
	name := u.tabs.Items[i].Text
	switch i {
	case 0:
		// Going elsewhere is the next action: the word on the last
		// simulated call has served.
		u.hooks.clearSimulation()
		if u.hooks.dirty() {
			msg = u.l.Tf("You left unsaved input in %s: it is kept there until you finish or undo it.", name)
		}
	case 2:
		// Leaving the tab leaves the field: what was typed into the
		// source applies now, and only what it refuses is unsaved.
		u.settings.sourceLeft()
		if u.settings.unsaved() {
			msg = u.l.Tf("You left unsaved input in %s: it is kept there until you finish it.", name)
		}
	}
	if msg == "" {
		return
	}
	u.leftWarning, u.leftTab = msg, i
	u.banner.show(bannerWarning, msg, u.l.T("Go back"), func() { u.tabs.SelectIndex(i) })
}

// afterFunc is the real clock behind after. The timer fires on its own
// goroutine; a stop that comes after it fired but before f reached the
// UI goroutine still holds.
func (u *UI) afterFunc(d time.Duration, f func()) (stop func()) {
	stopped := false // read and written on the UI goroutine only
	t := time.AfterFunc(d, func() {
		u.do(func() {
			if !stopped && !u.stopped {
				f()
			}
		})
	})
	return func() {
		stopped = true
		t.Stop()
	}
}

// setLanguage switches the GUI language and rebuilds the window.
func (u *UI) setLanguage(language string) {
	u.l = newTr(language)
	u.build()
	u.setMenu()
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
