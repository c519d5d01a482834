package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/callhook/callhook/ui"
)

// appID is the fyne app id; it matches FyneApp.toml and names the
// preferences directory fyne keeps.
const appID = "io.callhook.app"

// guiTrayEnv overrides tray detection ("1" or "0"): scripts/gui-figures.sh
// starts the app hidden in a tray under Xvfb, where no tray host runs.
const guiTrayEnv = "CALLHOOK_TRAY"

// guiTabEnv opens the window on a tab ("hooks", "editor", "calls",
// "settings"): scripts/screenshots.sh uses it to photograph each tab.
const guiTabEnv = "CALLHOOK_GUI_TAB"

// runGUI runs the desktop app on b until the user quits, or SIGINT or
// SIGTERM arrives, and returns the exit code. The config file at cfgPath
// is watched for changes made by other programs. This is the only place
// that imports fyne's app package (and with it cgo and OpenGL), so package
// ui stays testable without a display.
func runGUI(cfgPath, dataDir string, b ui.Backend, log *slog.Logger) int {
	// Catch SIGINT and SIGTERM before anything else: one that arrives
	// while the toolkit starts must quit cleanly, not kill the process.
	sig, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := app.NewWithID(appID)
	tray := ui.TrayAvailable()
	if v := os.Getenv(guiTrayEnv); v != "" {
		tray = v == "1"
	}
	log.Info("desktop app starting", "config", cfgPath, "data", dataDir, "tray", tray)
	u := ui.New(a, b, ui.Options{
		ConfigPath: cfgPath,
		Tray:       tray,
		Tab:        os.Getenv(guiTabEnv),
		Log:        log,
	})

	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sig.Done():
			log.Info("signal received, quitting")
			fyne.Do(u.Quit)
		case <-done:
		}
	}()

	u.Start()
	a.Run()
	return exitOK
}
