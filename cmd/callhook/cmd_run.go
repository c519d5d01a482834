package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/agent"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/internal/instance"
)

// drainTimeout is how long shutdown waits for attempts in flight; what is
// not done by then stays in the outbox for the next start.
const drainTimeout = 10 * time.Second

func cmdRun(p paths, args []string, std stdio) int {
	fs := newFlags("run", &p, std, "run [--config F] [--data DIR]")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	cfg, code := loadConfig(&p, std, true)
	if cfg == nil {
		return code
	}
	// One run or desktop app per data directory: two would deliver every
	// pending delivery twice and fight over the proxy's state file.
	lock, err := instance.Acquire(p.data)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	defer lock.Release()
	log := newLogger(std, false)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	e, err := engine.Open(p.data, cfg, log, engine.WithPolicy(newPolicyWatcher(p, log)))
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	// The control API: `callhook status`, and simulate and hooks test
	// through this process. A service runs on without it.
	svc := agent.NewService(ctx, e, agent.ServiceOptions{Config: p.config, Kind: agent.KindRun, Version: version, Log: log})
	defer svc.Close()
	srv, err := serveControl(p, svc, log)
	if err != nil {
		log.Error("control API not available: callhook status, simulate and hooks test will not see this process", "err", err)
	}
	eff := e.Effective()
	log.Info("callhook running", "version", version, "config", p.config, "data", p.data,
		"hooks", len(eff.Hooks), "enabled", eff.Enabled, "source", eff.Source.Mode, "policy", policyLines(e.PolicyStatus())[0])
	// Caught from here on: a SIGHUP's default action ends the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	code = exitOK
	if err := e.Start(ctx); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		code = exitFailure
		stop()
	}
	go reloadOnHangup(ctx, hup, e, p, log)
	// A service without its call source is useless and should say so: it
	// stops (delivering what is pending first), so that a supervisor
	// restarts it and the log shows why.
	select {
	case <-ctx.Done():
	case err := <-e.Failed():
		fmt.Fprintf(std.err, "callhook: call source stopped: %v\n", err)
		code = exitFailure
	}
	stop()
	if srv != nil {
		srv.Close()
	}
	log.Info("shutting down: finishing deliveries in flight", "timeout", drainTimeout)
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := e.Close(dctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return code
}

// reloadOnHangup re-reads the config on SIGHUP; a bad file is reported and
// the running config kept, as is the running source when the new one does
// not start (a listen port taken, an upstream that does not resolve).
func reloadOnHangup(ctx context.Context, hup <-chan os.Signal, e *engine.Engine, p paths, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, err := hooks.Load(p.config)
		if err == nil {
			err = cfg.ValidateWith(e.Policy())
		}
		if err != nil {
			log.Error("reload config: keeping the running one", "config", p.config, "err", err)
			continue
		}
		// Hooks and queues take effect whatever the source does; a new
		// source that does not start leaves the running one running, and
		// run exits only when none is left (through Failed).
		if err := e.SetConfig(ctx, cfg); err != nil {
			log.Error("reload config: call source not changed", "err", err)
			log.Info("config reloaded but for the call source", "hooks", len(cfg.Hooks), "enabled", cfg.Enabled)
			continue
		}
		log.Info("config reloaded", "hooks", len(cfg.Hooks), "enabled", cfg.Enabled, "source", cfg.Source.Mode)
	}
}
