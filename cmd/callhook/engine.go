package main

import (
	"context"
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
// settings changed.
func (e *engine) setConfig(ctx context.Context, cfg *hooks.Config) error {
	e.mu.Lock()
	old := e.cfg
	e.cfg = cfg
	e.mu.Unlock()
	e.disp.SetConfig(cfg)
	e.tracker.SetQueues(cfg.User, queueRules(cfg))
	if !reflect.DeepEqual(old.Source, cfg.Source) {
		e.stopSource()
		return e.startSource(ctx)
	}
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

func (e *engine) startSource(ctx context.Context) error {
	cfg := e.config()
	src, err := newSource(cfg, e.paths.data, e.tracker, e.secrets, e.log, e.reportStatus)
	if err != nil {
		e.reportStatus(sip.Status{State: sip.StateError, Err: err.Error(), Since: time.Now()})
		return err
	}
	if src == nil {
		e.reportStatus(sip.Status{State: sip.StateOff, Detail: "no call source (source mode none)", Since: time.Now()})
		return nil
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	e.mu.Lock()
	e.source, e.stopSrc, e.srcDone = src, cancel, done
	e.mu.Unlock()
	go func() {
		defer close(done)
		if err := src.Run(sctx); err != nil && sctx.Err() == nil {
			e.log.Error("call source stopped", "err", err)
			select {
			case e.srcFailed <- err:
			default:
			}
		}
	}()
	return nil
}

func (e *engine) stopSource() {
	e.mu.Lock()
	cancel, done := e.stopSrc, e.srcDone
	e.source, e.stopSrc, e.srcDone = nil, nil, nil
	e.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
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
