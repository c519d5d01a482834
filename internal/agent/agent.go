package agent

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"sync"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/ui"
)

// Options configure an Agent.
type Options struct {
	// Tray says a tray host shows our icon. Without one the window is
	// the only sign of life: it opens at start and closing it quits.
	Tray bool
	// ShowAtStart opens the window at start (first start, or not
	// "start minimised").
	ShowAtStart bool
	// Window builds the command of the window process (`callhook
	// window` with this agent's --config and --data).
	Window func() *exec.Cmd
	// Notify shows a desktop notification; nil uses the platform's.
	Notify func(title, body string) error
	Log    *slog.Logger
}

// Agent is the resident process around a Service: tray icon, window
// process, notifications of failed deliveries.
type Agent struct {
	svc  *Service
	opts Options
	log  *slog.Logger

	quitOnce sync.Once
	quit     chan struct{} // closed by Quit

	winMu   sync.Mutex
	win     *exec.Cmd     // the running window process, nil when none
	winDone chan struct{} // closed when win exits
	crashes []time.Time   // recent abnormal window exits (no tray)

	tray *trayIcon // nil without a tray
}

// New makes the agent of svc; Run runs it.
func New(svc *Service, o Options) *Agent {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Notify == nil {
		o.Notify = notify
	}
	a := &Agent{svc: svc, opts: o, log: o.Log, quit: make(chan struct{})}
	if o.Tray {
		a.tray = newTrayIcon(a) // shown by Run; fixed from here on
	}
	svc.setOnConfig(func(*hooks.Config) { a.redrawTray() })
	svc.show = a.ShowWindow
	svc.window = a.windowUp
	svc.tray = func() bool { return a.tray != nil && a.tray.up() }
	return a
}

// Run runs the agent until Quit (the tray's Quit, the window closed
// without a tray) or ctx ends, then stops the window process.
func (a *Agent) Run(ctx context.Context) {
	unsub := a.svc.Subscribe(a.event)
	defer unsub()
	go func() {
		select {
		case <-ctx.Done():
			a.Quit()
		case <-a.quit:
		}
	}()
	if a.opts.ShowAtStart || !a.opts.Tray {
		if err := a.ShowWindow(); err != nil {
			a.log.Error("window", "err", err)
			if !a.opts.Tray {
				a.Quit()
			}
		}
	}
	if a.tray != nil {
		a.tray.run(a.quit) // returns after Quit
	} else {
		<-a.quit
	}
	a.stopWindow()
}

// Quit ends Run.
func (a *Agent) Quit() { a.quitOnce.Do(func() { close(a.quit) }) }

// event follows the service's events: the tray's icon, and a desktop
// notification for a failed delivery.
func (a *Agent) event(e ui.Event) {
	switch e.Kind {
	case ui.DeliveryDone:
		if e.Delivery.State == hooks.StateFailed && a.notifyEnabled() {
			title, body := ui.FailureNotice(a.svc.e.Config().UI.Language, e)
			if err := a.opts.Notify(title, body); err != nil {
				a.log.Debug("desktop notification", "err", err)
			}
		}
		a.redrawTray()
	case ui.SourceChanged, ui.PolicyChanged:
		a.redrawTray()
	}
}

func (a *Agent) notifyEnabled() bool {
	n := a.svc.e.Config().UI.Notify
	return n == nil || *n
}

func (a *Agent) redrawTray() {
	if a.tray != nil {
		a.tray.redraw()
	}
}

// ShowWindow starts the window process, or asks the running one to come
// to the front.
func (a *Agent) ShowWindow() error {
	a.winMu.Lock()
	defer a.winMu.Unlock()
	select {
	case <-a.quit:
		return errors.New("callhook is quitting")
	default:
	}
	if a.win != nil {
		a.svc.Publish(ui.Event{Kind: ui.ShowWindow})
		return nil
	}
	cmd := a.opts.Window()
	if err := cmd.Start(); err != nil {
		return err
	}
	a.log.Info("window started", "pid", cmd.Process.Pid)
	done := make(chan struct{})
	a.win, a.winDone = cmd, done
	go func() {
		err := cmd.Wait()
		close(done)
		a.windowExited(cmd, err)
	}()
	return nil
}

func (a *Agent) windowUp() bool {
	a.winMu.Lock()
	defer a.winMu.Unlock()
	return a.win != nil
}

// windowExited forgets the window process. Without a tray the window is
// the agent's only face: closing it quits the agent, and a window that
// crashed is started again, unless it keeps crashing.
func (a *Agent) windowExited(cmd *exec.Cmd, err error) {
	a.winMu.Lock()
	if a.win == cmd {
		a.win = nil
	}
	a.winMu.Unlock()
	a.log.Info("window closed", "pid", cmd.Process.Pid, "exit", cmd.ProcessState.String())
	if a.opts.Tray {
		return
	}
	select {
	case <-a.quit:
		return
	default:
	}
	if err == nil {
		a.Quit()
		return
	}
	now := time.Now()
	recent := a.crashes[:0]
	for _, t := range a.crashes {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	a.crashes = append(recent, now)
	if len(a.crashes) >= 3 {
		a.log.Error("the window keeps failing and there is no tray to reach Callhook: quitting", "err", err)
		a.Quit()
		return
	}
	if err := a.ShowWindow(); err != nil {
		a.log.Error("window", "err", err)
		a.Quit()
	}
}

// stopWindow ends the window process: it quits by itself when the
// control API goes away; SIGTERM, then SIGKILL, if it does not.
func (a *Agent) stopWindow() {
	a.winMu.Lock()
	cmd, done := a.win, a.winDone
	a.winMu.Unlock()
	if cmd == nil {
		return
	}
	terminate(cmd)
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}
