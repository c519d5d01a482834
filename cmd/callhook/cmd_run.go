package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
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
	log := newLogger(std, false)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	e, err := openEngine(p, cfg, log)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	log.Info("callhook running", "version", version, "config", p.config, "data", p.data,
		"hooks", len(cfg.Hooks), "enabled", cfg.Enabled, "source", cfg.Source.Mode)
	code = exitOK
	if err := e.start(ctx); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		code = exitFailure
		stop()
	}
	go reloadOnHangup(ctx, e, p, log)
	// A service without its call source is useless and should say so: it
	// stops (delivering what is pending first), so that a supervisor
	// restarts it and the log shows why.
	select {
	case <-ctx.Done():
	case err := <-e.srcFailed:
		fmt.Fprintf(std.err, "callhook: call source stopped: %v\n", err)
		code = exitFailure
	}
	stop()
	log.Info("shutting down: finishing deliveries in flight", "timeout", drainTimeout)
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := e.close(dctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return code
}

// reloadOnHangup re-reads the config on SIGHUP; a bad file is reported and
// the running config kept.
func reloadOnHangup(ctx context.Context, e *engine, p paths, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, err := hooks.Load(p.config)
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			log.Error("reload config: keeping the running one", "config", p.config, "err", err)
			continue
		}
		if err := e.setConfig(ctx, cfg); err != nil {
			log.Error("reload config", "err", err)
		}
		log.Info("config reloaded", "hooks", len(cfg.Hooks), "enabled", cfg.Enabled, "source", cfg.Source.Mode)
	}
}

func cmdSimulate(p paths, args []string, std stdio) int {
	fs := newFlags("simulate", &p, std,
		"simulate --direction in|out --remote N [--name S] [--queue Q] [--answer-after D] [--hangup-after D] [--outcome O] [--wait D]")
	dir := fs.String("direction", "in", "`in` (the agent is called) or out (the agent calls)")
	remote := fs.String("remote", "", "the other party's `number` (required)")
	name := fs.String("name", "", "the other party's display `name`")
	local := fs.String("local", "", "the agent's own `number` (default: the dialog username, else 100)")
	queue := fs.String("queue", "", "make it a call of this `queue` (incoming only)")
	answer := fs.Duration("answer-after", 0, "answer after this `duration`; 0 leaves the call unanswered")
	hangup := fs.Duration("hangup-after", 2*time.Second, "hang up this `duration` after the answer (or the ring, if unanswered)")
	outcome := fs.String("outcome", "", "`outcome` of an unanswered call: missed, busy, rejected, cancelled, answered_elsewhere, failed")
	wait := fs.Duration("wait", 30*time.Second, "wait this long for every delivery's outcome, retries included")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	s := sip.Simulation{Direction: call.Direction(*dir), Local: *local, Remote: *remote, Name: *name, Queue: *queue,
		AnswerAfter: *answer, HangupAfter: *hangup, Outcome: call.Outcome(*outcome)}
	if msg := checkSimulation(s); msg != "" {
		fmt.Fprintf(std.err, "callhook simulate: %s\n", msg)
		return exitUsage
	}
	cfg, code := loadConfig(&p, std, true)
	if cfg == nil {
		return code
	}
	if s.Local == "" {
		s.Local = cfg.Source.Dialog.Username
		if s.Local == "" {
			s.Local = "100"
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The configured SIP source does not run: the simulated call is the
	// only one.
	cfgNoSource := *cfg
	cfgNoSource.Source = hooks.Source{Mode: hooks.SourceNone}
	e, err := openEngine(p, &cfgNoSource, newLogger(std, true))
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	cancelSub := e.disp.Subscribe(func(r hooks.Result) { printResult(std, r) })
	if err := e.start(ctx); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	if !cfg.Enabled {
		fmt.Fprintln(std.out, "note: all hooks are switched off (\"enabled\": false); nothing will be sent")
	}
	id := e.tracker.Simulate(ctx, s)
	fmt.Fprintf(std.out, "call %s ended; waiting up to %v for deliveries\n", id, *wait)
	wctx, cancel := context.WithTimeout(ctx, *wait)
	werr := e.disp.Wait(wctx, id)
	cancel()
	// Close flushes the last results to the subscriber; cancel only then.
	dctx, dcancel := context.WithTimeout(context.Background(), drainTimeout)
	defer dcancel()
	cerr := e.close(dctx)
	cancelSub()
	return simulateSummary(std, p, id, werr, cerr)
}

func checkSimulation(s sip.Simulation) string {
	switch {
	case s.Direction != call.In && s.Direction != call.Out:
		return fmt.Sprintf("--direction %q: want in or out", s.Direction)
	case s.Remote == "":
		return "--remote is required (the other party's number)"
	case s.Queue != "" && s.Direction != call.In:
		return "--queue is for incoming calls only"
	case s.AnswerAfter < 0 || s.HangupAfter < 0:
		return "--answer-after and --hangup-after must not be negative"
	}
	switch s.Outcome {
	case "", call.Missed, call.Busy, call.Rejected, call.Cancelled, call.AnsweredElsewhere, call.Failed:
	default:
		return fmt.Sprintf("--outcome %q: want missed, busy, rejected, cancelled, answered_elsewhere or failed", s.Outcome)
	}
	return ""
}

// printResult prints one delivery attempt as simulate goes.
func printResult(std stdio, r hooks.Result) {
	line := fmt.Sprintf("%-16s %-12s %-8s attempt %d: %s", r.Trigger, r.HookID, r.Action, r.Attempt, r.State)
	if r.StatusCode != 0 {
		line += fmt.Sprintf(" HTTP %d", r.StatusCode)
	}
	line += fmt.Sprintf(" in %d ms", r.Latency.Milliseconds())
	if r.Error != "" {
		line += " - " + r.Error
	}
	if !r.NextAttempt.IsZero() && !r.Final {
		line += fmt.Sprintf(" (retry in %v)", time.Until(r.NextAttempt).Round(100*time.Millisecond))
	}
	fmt.Fprintln(std.out, line)
}
