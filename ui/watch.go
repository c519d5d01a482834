package ui

import (
	"sync"
	"time"

	"github.com/callhook/callhook/internal/filestat"
)

// Poll intervals of the config file watcher: often enough while the user
// looks at the window to notice an edit made in a text editor, rarely
// while the app sits in the tray.
const (
	watchFast = 2 * time.Second
	watchSlow = 30 * time.Second
)

// watcher notices changes other programs make to the config file by
// polling its size, mtime and hash: cheaper and more portable than file system
// notifications, which lose track of a file replaced by rename.
type watcher struct {
	u     *UI
	path  string
	known filestat.Stat // UI goroutine only

	mu       sync.Mutex
	interval time.Duration
	timer    *time.Timer
	stopped  bool
	fast     time.Duration
	slow     time.Duration
}

func newWatcher(u *UI, path string) *watcher {
	w := &watcher{u: u, path: path, known: filestat.Of(path), fast: watchFast, slow: watchSlow}
	w.interval = w.slow
	w.timer = time.AfterFunc(w.interval, w.poll)
	return w
}

// setFast switches between the shown and hidden interval; switching to
// fast polls soon, so a change made while hidden shows when the window
// opens.
func (w *watcher) setFast(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	w.interval = w.slow
	if on {
		w.interval = w.fast
	}
	w.timer.Reset(w.interval)
}

func (w *watcher) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.timer.Stop()
}

// poll runs on the timer's goroutine: it stats the file there and hands
// the result to the UI goroutine.
func (w *watcher) poll() {
	st := filestat.Of(w.path)
	w.u.do(func() { w.check(st) })
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.timer.Reset(w.interval)
	}
}

// check compares on the UI goroutine, where our own saves are known.
func (w *watcher) check(st filestat.Stat) {
	if st == w.known || w.u.saving() || w.u.stopped {
		return
	}
	w.known = st
	if !st.Exists() {
		// Deleted or moved away: keep running with what we have; the
		// next save writes it back.
		return
	}
	w.u.externalChange()
}

// externalChange reloads the config another program wrote. An editor
// holding an edit that is not saved yet (it does not validate) would lose
// it, so the user decides then.
func (u *UI) externalChange() {
	if u.hooks.dirty() {
		u.banner.show(bannerWarning, u.l.T("The config file was changed by another program while you have unsaved edits."),
			u.l.T("Load the file"), func() {
				u.hooks.closeEditor()
				u.reload()
			})
		return
	}
	u.reload()
}

func (u *UI) reload() {
	u.spawn(func() {
		cfg, err := u.b.Reload()
		u.do(func() {
			if err != nil {
				u.banner.show(bannerError, u.l.Tf("The config file changed on disk but has problems; the running settings stay in effect until it is fixed: %v", u.l.errText(err)), "", nil)
				return
			}
			relang := cfg.UI.Language != u.cfg.UI.Language
			u.cfg = cfg
			if relang {
				u.setLanguage(cfg.UI.Language)
			} else {
				u.refresh()
				u.hooks.reopen()
			}
			u.banner.show(bannerInfo, u.l.T("The config file changed on disk and was reloaded."), "", nil)
		})
	})
}
