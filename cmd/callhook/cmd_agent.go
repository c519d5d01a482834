package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/agent"
	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/internal/instance"
	"github.com/callhook/callhook/ui"
)

// configWatchEvery is how often the agent looks at the config file for
// changes made by other programs: a stat, nothing more.
const configWatchEvery = 2 * time.Second

// startAgent runs the resident agent: engine, control API, tray icon, and
// the window as a child process while it is open.
func startAgent(p paths, std stdio) int {
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	// One agent or run per data directory: a second launch asks the
	// first to show its window.
	lock, err := instance.Acquire(p.data)
	if err != nil {
		if held := (*instance.HeldError)(nil); errors.As(err, &held) {
			return showRunning(p, held, std)
		}
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	defer lock.Release()
	log := newLogger(std, false)
	cfg, first, code := loadOrCreate(p, std)
	if cfg == nil {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := engine.Open(p.data, cfg, log, engine.WithPolicy(newPolicyWatcher(p, log)))
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	svc := agent.NewService(ctx, e, agent.ServiceOptions{Config: p.config, Kind: agent.KindAgent, Version: version, Log: log})
	defer svc.Close()
	tray := ui.TrayAvailable()
	if v := os.Getenv(guiTrayEnv); v != "" {
		tray = v == "1"
	}
	// The agent before the control API: a second launch may ask to show
	// the window the moment the socket is there.
	a := agent.New(svc, agent.Options{
		Tray:        tray,
		ShowAtStart: first || !cfg.UI.StartMinimised,
		Window:      func() *exec.Cmd { return windowCommand(p, std) },
		Log:         log,
	})
	srv, err := serveControl(p, svc, log)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		closeEngine(e, log)
		return exitFailure
	}
	if err := e.Start(ctx); err != nil {
		log.Error("start", "err", err)
	}
	go svc.WatchConfig(ctx, configWatchEvery, nil)
	eff := e.Effective()
	log.Info("callhook agent running", "version", version, "config", p.config, "data", p.data, "tray", tray,
		"hooks", len(eff.Hooks), "enabled", eff.Enabled, "source", eff.Source.Mode, "policy", policyLines(e.PolicyStatus())[0])
	a.Run(ctx)
	log.Info("quitting: finishing deliveries in flight", "timeout", drainTimeout)
	srv.Close()
	closeEngine(e, log)
	return exitOK
}

// loadOrCreate loads and validates the config; on first start it writes
// the defaults, with a country code proposed from the locale, so the
// window's saves and the CLI share one file from the beginning. first says
// it did.
func loadOrCreate(p paths, std stdio) (cfg *hooks.Config, first bool, code int) {
	cfg, err := hooks.Load(p.config)
	switch {
	case errors.Is(err, os.ErrNotExist):
		cfg, err = createConfig(p.config, std, os.Getenv)
		if err != nil {
			fmt.Fprintf(std.err, "callhook: %v\n", err)
			return nil, false, exitFailure
		}
		return cfg, true, exitOK
	case err != nil:
		fmt.Fprintf(std.err, "callhook: %v\nFix the file (callhook config check lists every problem) and start again.\n", err)
		return nil, false, exitUsage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(std.err, "callhook: %s: %v\n", p.config, err)
		return nil, false, exitUsage
	}
	return cfg, false, exitOK
}

// serveControl serves svc on the data directory's control socket.
func serveControl(p paths, svc control.Service, log *slog.Logger) (*control.Server, error) {
	path := control.SocketPath(p.data)
	ln, err := control.Listen(path)
	if err != nil {
		return nil, err
	}
	log.Info("control API listening", "socket", path)
	return control.Serve(ln, svc, log), nil
}

// windowCommand is the window process of this agent: the same binary,
// config and data directory.
func windowCommand(p paths, std stdio) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "--config", p.config, "--data", p.data, "window")
	cmd.Stdout, cmd.Stderr = std.err, std.err
	return cmd
}

// showRunning is a second launch: the first agent shows its window. The
// first may still be starting (two launches at once), so its control
// API gets a few seconds to appear.
func showRunning(p paths, held *instance.HeldError, std stdio) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := dialAgent(ctx, p.data, true)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\nIts control API does not answer (%v): quit it, or end pid %d, and start again.\n", held, err, held.PID)
		return exitFailure
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err == nil && st.Kind != agent.KindAgent {
		fmt.Fprintf(std.err, "callhook: `callhook %s` (pid %d) runs on %s and has no window: stop it first to use the app on this data directory.\n", st.Kind, st.PID, p.data)
		return exitFailure
	}
	if err == nil {
		err = c.Show(ctx)
	}
	if err != nil {
		fmt.Fprintf(std.err, "callhook: the running Callhook (pid %d) did not show its window: %v\n", held.PID, err)
		return exitFailure
	}
	fmt.Fprintf(std.out, "Callhook is already running (pid %d): its window is shown.\n", st.PID)
	return exitOK
}

// dialAgent connects to the agent or run on dataDir. With retry it keeps
// trying while nothing listens, until ctx ends.
func dialAgent(ctx context.Context, dataDir string, retry bool) (*control.Client, error) {
	path := control.SocketPath(dataDir)
	for {
		c, err := control.Dial(ctx, path)
		if err == nil || !retry || !errors.Is(err, control.ErrNoAgent) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func closeEngine(e *engine.Engine, log *slog.Logger) {
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := e.Close(dctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
}
