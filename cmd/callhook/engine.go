package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

// engine is everything `run`, `simulate` and the GUI share: the journal,
// the dispatcher, the call tracker and the configured SIP source.
type engine struct {
	paths   paths
	log     *slog.Logger
	journal *hooks.Journal
	disp    *hooks.Dispatcher
	tracker *sip.Tracker
	secrets hooks.SecretStore

	mu      sync.Mutex
	cfg     *hooks.Config
	source  sip.Source
	stopSrc context.CancelFunc
	srcDone chan struct{}
	// srcCfg is the settings source runs with: after a reload whose
	// source did not start, they are not cfg's.
	srcCfg hooks.Source
	// onStatus is told of every source status change (GUI, run's log).
	onStatus func(sip.Status)
	// onCall is told of every call event after the dispatcher has it.
	onCall func(call.Event)
	// srcFailed receives the error of a source that stopped by itself.
	srcFailed chan error
}

// openEngine opens the journal under p.data and builds the dispatcher and
// tracker for cfg. Nothing runs until start.
func openEngine(p paths, cfg *hooks.Config, log *slog.Logger) (*engine, error) {
	j, err := hooks.Open(p.data)
	if err != nil {
		return nil, err
	}
	e := &engine{paths: p, log: log, journal: j, cfg: cfg, secrets: hooks.Keyring{}, srcFailed: make(chan error, 1)}
	e.disp = hooks.NewDispatcher(j, cfg, hooks.WithLogger(log), hooks.WithSecrets(e.secrets))
	e.tracker = sip.NewTracker(cfg.User, queueRules(cfg), e.handle)
	return e, nil
}

// handle passes a call event to the dispatcher, then to onCall.
func (e *engine) handle(ev call.Event) {
	e.disp.Handle(ev)
	e.mu.Lock()
	fn := e.onCall
	e.mu.Unlock()
	if fn != nil {
		fn(ev)
	}
}

// start resumes pending deliveries and starts the configured source.
func (e *engine) start(ctx context.Context) error {
	if err := e.disp.Start(ctx); err != nil {
		return fmt.Errorf("start dispatcher: %w", err)
	}
	return e.startSource(ctx)
}

// config returns the config in force. Callers must not change it.
func (e *engine) config() *hooks.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg
}

// setConfig makes cfg the config in force; the source restarts when its
// settings changed. A new source that does not start leaves the running
// one running (the error says why); only when none is left does the
// source count as failed.
func (e *engine) setConfig(ctx context.Context, cfg *hooks.Config) error {
	e.mu.Lock()
	e.cfg = cfg
	running := e.srcCfg
	e.mu.Unlock()
	e.disp.SetConfig(cfg)
	e.tracker.SetQueues(cfg.User, queueRules(cfg))
	if reflect.DeepEqual(running, cfg.Source) {
		return nil
	}
	err := e.replaceSource(ctx, running, cfg.Source)
	if err != nil && e.status().State == sip.StateOff && cfg.Source.Mode != hooks.SourceNone {
		e.failed(err)
	}
	return err
}

// replaceSource swaps the source running with old for one with cfg.
// The new one starts beside the old, which stops once it runs; a proxy
// on the old one's listen address cannot, so the old one stops first and
// starts again if the new one fails.
func (e *engine) replaceSource(ctx context.Context, old, cfg hooks.Source) error {
	if old.Mode == hooks.SourceProxy && cfg.Mode == hooks.SourceProxy && old.Proxy.Listen == cfg.Proxy.Listen {
		e.stopSource()
		err := e.launch(ctx, cfg)
		if err == nil {
			return nil
		}
		if rerr := e.launch(ctx, old); rerr != nil {
			return fmt.Errorf("new call source did not start: %w; nor did the previous one again: %v", err, rerr)
		}
		return fmt.Errorf("new call source did not start, the previous one runs on: %w", err)
	}
	prev := e.detachSource()
	if err := e.launch(ctx, cfg); err != nil {
		e.attachSource(prev)
		if prev.src != nil {
			e.reportStatus(prev.src.Status())
		}
		return fmt.Errorf("new call source did not start, the previous one runs on: %w", err)
	}
	prev.stop()
	return nil
}

// status returns the source's status; StateOff for source mode none.
func (e *engine) status() sip.Status {
	e.mu.Lock()
	src := e.source
	e.mu.Unlock()
	if src == nil {
		return sip.Status{State: sip.StateOff, Detail: "no call source (source mode none)"}
	}
	return src.Status()
}

// reportStatus logs a status change, one line each, and passes it on.
// The source reports only changes (a keepalive answered like the last one
// is not a change), so a healthy source stays quiet.
func (e *engine) reportStatus(s sip.Status) {
	e.mu.Lock()
	fn := e.onStatus
	e.mu.Unlock()
	level, args := statusLog(s)
	e.log.Log(context.Background(), level, "call source", args...)
	if fn != nil {
		fn(s)
	}
}

// keepaliveAnswered is the Keepalive text of a keepalive the PBX answered.
const keepaliveAnswered = "answered"

// statusLog says how run logs s: an error at error level with what to
// fix, an unanswered keepalive as a warning, the rest as information.
// Only what is known is logged.
func statusLog(s sip.Status) (slog.Level, []any) {
	args := []any{"state", s.State}
	add := func(k string, v any, ok bool) {
		if ok {
			args = append(args, k, v)
		}
	}
	add("detail", s.Detail, s.Detail != "")
	add("registered", s.Registered, s.State == sip.StateRegistered)
	add("transport", s.Transport, s.Transport != "")
	add("advertised", s.Advertised, s.Advertised != "")
	add("learned", s.Learned, s.Advertised != "")
	add("keepalive", s.Keepalive, s.Keepalive != "")
	add("dialect", s.Dialect, s.Dialect != "")
	add("placeholders", sip.DialectNotes(s.Dialect), s.Dialect != "")
	switch {
	case s.State == sip.StateError:
		return slog.LevelError, append(args, "err", s.Err)
	case s.Keepalive != "" && s.Keepalive != keepaliveAnswered:
		return slog.LevelWarn, append(args, "fix", "the PBX stopped answering: check the network and firewall between this machine and the PBX")
	case s.Err != "":
		return slog.LevelWarn, append(args, "err", s.Err)
	}
	return slog.LevelInfo, args
}

// sourceStartWait bounds how long a new source may take to bind before it
// counts as started: a proxy binds in Run, at once; a dialog source that
// is still waiting for the PBX then is running all the same.
const sourceStartWait = 5 * time.Second

// startSource starts the source the config in force asks for.
func (e *engine) startSource(ctx context.Context) error {
	return e.launch(ctx, e.config().Source)
}

// runningSource is a started source and what stops it.
type runningSource struct {
	src    sip.Source
	cfg    hooks.Source
	cancel context.CancelFunc
	done   chan struct{}
}

func (r runningSource) stop() {
	if r.cancel != nil {
		r.cancel()
		<-r.done
	}
}

// launch builds and starts a source with sc and, once it runs (its Run
// has not failed and its status left "starting", or sourceStartWait
// passed), makes it the engine's; a source already attached must be
// detached first. A source failing later is reported on srcFailed.
func (e *engine) launch(ctx context.Context, sc hooks.Source) error {
	cfg := *e.config()
	cfg.Source = sc
	src, err := newSource(&cfg, e.paths.data, e.tracker, e.secrets, e.log, e.reportStatus)
	if err != nil {
		e.reportStatus(sip.Status{State: sip.StateError, Err: err.Error(), Since: time.Now()})
		return err
	}
	if src == nil {
		e.attachSource(runningSource{cfg: sc})
		e.reportStatus(sip.Status{State: sip.StateOff, Detail: "no call source (source mode none)", Since: time.Now()})
		return nil
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		runErr = src.Run(sctx)
	}()
	if err := waitStarted(src, done, &runErr); err != nil {
		cancel()
		return err
	}
	e.attachSource(runningSource{src: src, cfg: sc, cancel: cancel, done: done})
	go func() {
		<-done
		if runErr != nil && sctx.Err() == nil {
			e.failed(runErr)
		}
	}()
	return nil
}

// waitStarted waits until src runs: nil once its status leaves
// "starting" or sourceStartWait passes, Run's error if it returns first.
func waitStarted(src sip.Source, done <-chan struct{}, runErr *error) error {
	deadline := time.NewTimer(sourceStartWait)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			if *runErr != nil {
				return *runErr
			}
			return errors.New("call source stopped as it started")
		case <-deadline.C:
			return nil
		case <-tick.C:
			if st := src.Status().State; st != sip.StateStarting && st != sip.StateOff {
				return nil
			}
		}
	}
}

// failed reports a source that stopped by itself: run exits on it.
func (e *engine) failed(err error) {
	e.log.Error("call source stopped", "err", err)
	select {
	case e.srcFailed <- err:
	default:
	}
}

// attachSource makes r the engine's source.
func (e *engine) attachSource(r runningSource) {
	e.mu.Lock()
	e.source, e.stopSrc, e.srcDone, e.srcCfg = r.src, r.cancel, r.done, r.cfg
	e.mu.Unlock()
}

// detachSource takes the engine's source away, still running.
func (e *engine) detachSource() runningSource {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := runningSource{src: e.source, cfg: e.srcCfg, cancel: e.stopSrc, done: e.srcDone}
	e.source, e.stopSrc, e.srcDone, e.srcCfg = nil, nil, nil, hooks.Source{}
	return r
}

func (e *engine) stopSource() {
	e.detachSource().stop()
}

// close stops the source, drains the dispatcher (in-flight attempts get
// until ctx ends; the rest stays in the outbox) and closes the journal.
func (e *engine) close(ctx context.Context) error {
	e.stopSource()
	err := e.disp.Close(ctx)
	if cerr := e.journal.Close(); err == nil {
		err = cerr
	}
	return err
}

// newSource builds the source cfg asks for; nil for mode none.
func newSource(cfg *hooks.Config, data string, tr *sip.Tracker, secrets hooks.Secrets, log *slog.Logger, onStatus func(sip.Status)) (sip.Source, error) {
	switch cfg.Source.Mode {
	case hooks.SourceProxy:
		pc := cfg.Source.Proxy
		return sip.NewProxy(sip.ProxyConfig{Listen: pc.Listen, Upstream: pc.Upstream, Transport: pc.Transport,
			CAFile: pc.CAFile, LocalAddress: pc.LocalAddress}, tr,
			sip.WithProxyLogger(log.With("source", "proxy")), sip.WithProxyStatus(onStatus),
			sip.WithProxyState(filepath.Join(data, "proxy-state.json")))
	case hooks.SourceDialog:
		dc := cfg.Source.Dialog
		var password string
		if dc.PasswordSecret != "" {
			var err error
			if password, err = secrets.Get(dc.PasswordSecret); err != nil {
				return nil, fmt.Errorf("dialog source password: %w", err)
			}
		}
		return sip.NewDialog(sip.DialogConfig{
			Server: dc.Server, Transport: dc.Transport, Domain: dc.Domain,
			Username: dc.Username, Password: password, Watch: dc.Watch,
			CAFile: dc.CAFile, LocalAddress: dc.LocalAddress,
			Expires: time.Duration(dc.Expires) * time.Second,
		}, tr, sip.WithDialogLogger(log.With("source", "dialog")), sip.WithDialogStatus(onStatus))
	}
	return nil, nil
}

// queueRules maps the config's queues to the tracker's rules.
func queueRules(cfg *hooks.Config) []sip.QueueRule {
	rules := make([]sip.QueueRule, 0, len(cfg.Queues))
	for _, q := range cfg.Queues {
		rules = append(rules, sip.QueueRule{Name: q.Name, Numbers: q.Numbers, DisplayPrefix: q.DisplayPrefix, Header: q.Header})
	}
	return rules
}

// newLogger logs text to stderr; debug with CALLHOOK_DEBUG=1.
func newLogger(std stdio, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("CALLHOOK_DEBUG") == "1" {
		level = slog.LevelDebug
	} else if quiet {
		level = slog.LevelWarn
	}
	var w io.Writer = std.err
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
