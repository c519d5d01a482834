package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/ui"
)

// appID is the fyne app id; it matches FyneApp.toml and names the
// preferences directory fyne keeps.
const appID = "io.callhook.app"

// guiTrayEnv overrides tray detection ("1" or "0"): tests and
// scripts/gui-figures.sh run the agent under Xvfb, where no tray host
// runs unless they start one.
const guiTrayEnv = "CALLHOOK_TRAY"

// guiTabEnv opens the window on a tab ("hooks", "editor", "calls",
// "settings"): scripts/screenshots.sh uses it to photograph each tab.
const guiTabEnv = "CALLHOOK_GUI_TAB"

// cmdWindow is the window process the agent starts: the Fyne UI, fed by
// the agent's control API. It exits when the window is closed or the
// agent goes away.
func cmdWindow(p paths, args []string, std stdio) int {
	fs := newFlags("window", &p, std, "window (started by the agent: run `callhook` instead)")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	c, err := dialAgent(ctx, p.data, false)
	cancel()
	if errors.Is(err, control.ErrNoAgent) {
		fmt.Fprintf(std.err, "callhook window: no Callhook runs on %s: start `callhook`, which opens its window\n", p.data)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(std.err, "callhook window: %v\n", err)
		return exitFailure
	}
	defer c.Close()
	return runWindow(p, c, newLogger(std, false))
}

// runWindow runs the window on b until the user closes it, the agent
// goes away (done closes), or SIGINT or SIGTERM arrives. This is the only
// place that imports fyne's app package (and with it cgo and OpenGL), so
// package ui stays testable without a display.
func runWindow(p paths, c *control.Client, log *slog.Logger) int {
	// Catch SIGINT and SIGTERM before anything else: one that arrives
	// while the toolkit starts must quit cleanly, not kill the process.
	sig, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := app.NewWithID(appID)
	log.Info("window starting", "config", p.config, "data", p.data)
	u := ui.New(a, c, ui.Options{
		ConfigPath:    p.config,
		Tab:           os.Getenv(guiTabEnv),
		Log:           log,
		AgentNotifies: true,
	})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sig.Done():
			log.Info("signal received, closing the window")
		case <-c.Done():
			log.Info("the agent went away, closing the window")
		case <-done:
			return
		}
		fyne.Do(u.Quit)
	}()
	u.Start()
	a.Run()
	// What was typed last is saved before the process ends, whichever
	// handler quit the app: fyne catches SIGINT and SIGTERM too.
	u.Finish()
	return exitOK
}
