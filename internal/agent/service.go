// Package agent is Callhook's resident process: the engine, the local
// control API that the window and the CLI use, the tray icon, and the
// window process it starts and watches. `callhook run` serves the same
// control API without tray and window.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/internal/filestat"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// Kinds of process serving the control API.
const (
	KindAgent = "agent"
	KindRun   = "run"
)

// Service serves the engine to the control API: the window's ui.Backend
// and what `callhook status`, `simulate` and `hooks test` ask a running
// agent.
type Service struct {
	ctx     context.Context
	e       *engine.Engine
	log     *slog.Logger
	config  string // the config file Save writes and Reload reads
	kind    string
	version string
	started time.Time

	// show starts or raises the window; nil when there is none (run).
	show func() error
	// window and tray report whether those are up; nil means never.
	window, tray func() bool

	mu      sync.Mutex
	subs    map[int]func(ui.Event)
	next    int
	stopSub func()
	// simulating holds the simulated calls still playing, closed when
	// each ends.
	simulating map[string]chan struct{}
	// failing: the last delivery failed (cleared by one that succeeds);
	// with the source's state it picks the tray icon.
	failing bool

	// writeMu serialises what writes or reads the config file (Save,
	// Reload, the tray's switch, the file watch), and seen is the file as
	// last written or read here, so the watch does not reload our own
	// writes.
	writeMu sync.Mutex
	seen    filestat.Stat

	// onConfig is told of every config applied (the tray redraws).
	onConfig func(*hooks.Config)
}

var _ control.Service = (*Service)(nil)

// ServiceOptions configure NewService.
type ServiceOptions struct {
	Config  string // config file path
	Kind    string // KindAgent or KindRun
	Version string
	Log     *slog.Logger
}

// NewService serves e; ctx bounds the background work it starts
// (simulated calls). Close it when done.
func NewService(ctx context.Context, e *engine.Engine, o ServiceOptions) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{ctx: ctx, e: e, log: o.Log, config: o.Config, kind: o.Kind, version: o.Version,
		started: time.Now(), subs: map[int]func(ui.Event){}, simulating: map[string]chan struct{}{}, seen: filestat.Of(o.Config)}
	s.stopSub = e.Dispatcher().Subscribe(func(r hooks.Result) {
		s.mu.Lock()
		switch r.State {
		case hooks.StateFailed:
			s.failing = true
		case hooks.StateDelivered:
			s.failing = false
		}
		s.mu.Unlock()
		s.Publish(ui.Event{Kind: ui.DeliveryDone, Delivery: resultRow(r), Call: s.callOf(r.CallID)})
	})
	e.OnStatus(func(st sip.Status) { s.Publish(ui.Event{Kind: ui.SourceChanged, Source: sourceStatus(st)}) })
	e.OnCall(func(call.Event) { s.Publish(ui.Event{Kind: ui.CallsChanged}) })
	// The window redraws its managed hooks, allowed hosts and locked
	// settings; it asks Policy for the new one.
	e.OnPolicy(func(*hooks.Policy) { s.Publish(ui.Event{Kind: ui.PolicyChanged}) })
	return s
}

// Close stops the delivery subscription.
func (s *Service) Close() { s.stopSub() }

// Publish sends ev to every subscriber (the window's event stream, the
// tray).
func (s *Service) Publish(ev ui.Event) {
	s.mu.Lock()
	fns := make([]func(ui.Event), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

// Subscribe calls fn for every event until cancel is called.
func (s *Service) Subscribe(fn func(ui.Event)) (cancel func()) {
	s.mu.Lock()
	id := s.next
	s.next++
	s.subs[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Failing reports what the tray's icon shows as an error: the source
// failed, or the last delivery did.
func (s *Service) Failing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failing || s.e.Status().State == sip.StateError
}

// callOf finds a call for a delivery notification: in progress, else
// from the journal.
func (s *Service) callOf(id string) call.Call {
	for _, c := range s.e.Tracker().Active() {
		if c.ID == id {
			return c
		}
	}
	calls, err := s.e.Journal().Calls(s.ctx, 20)
	if err == nil {
		for _, c := range calls {
			if c.Call.ID == id {
				return c.Call
			}
		}
	}
	return call.Call{ID: id}
}

// Config returns a clone of the running config.
func (s *Service) Config() *hooks.Config { return s.e.Config().Clone() }

// Save writes cfg to the config file and applies it.
func (s *Service) Save(cfg *hooks.Config) error {
	if err := cfg.ValidateWith(s.e.Policy()); err != nil {
		return err
	}
	s.writeMu.Lock()
	err := hooks.Save(s.config, cfg)
	s.seen = filestat.Of(s.config)
	s.writeMu.Unlock()
	if err != nil {
		return err
	}
	err = s.e.SetConfig(s.ctx, cfg.Clone())
	s.configApplied()
	return err
}

func (s *Service) configApplied() {
	s.mu.Lock()
	fn := s.onConfig
	s.mu.Unlock()
	if fn != nil {
		fn(s.e.Config())
	}
}

func (s *Service) setOnConfig(fn func(*hooks.Config)) {
	s.mu.Lock()
	s.onConfig = fn
	s.mu.Unlock()
}

// SetEnabled turns every hook on or off (the config's "enabled"), as the
// tray's switch does.
func (s *Service) SetEnabled(on bool) error {
	cfg := s.Config()
	cfg.Enabled = on
	return s.Save(cfg)
}

// Reload re-reads the config file and applies it. An invalid file is an
// error and leaves the running config; a source that does not start is
// an error with the new config applied otherwise.
func (s *Service) Reload() (*hooks.Config, error) {
	s.writeMu.Lock()
	s.seen = filestat.Of(s.config)
	cfg, err := hooks.Load(s.config)
	s.writeMu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateWith(s.e.Policy()); err != nil {
		return nil, err
	}
	err = s.e.SetConfig(s.ctx, cfg)
	s.configApplied()
	return cfg.Clone(), err
}

// WatchConfig reloads the config file when another program changes it
// (an editor, `callhook hooks add`), checking every interval until ctx
// ends; onReload is told about each reload.
func (s *Service) WatchConfig(ctx context.Context, every time.Duration, onReload func(*hooks.Config, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.writeMu.Lock()
		changed := filestat.Of(s.config) != s.seen
		s.writeMu.Unlock()
		if !changed {
			continue
		}
		cfg, err := s.Reload()
		if err != nil {
			s.log.Error("config file changed: not applied", "config", s.config, "err", err)
		} else {
			s.log.Info("config file changed: reloaded", "config", s.config, "hooks", len(cfg.Hooks), "enabled", cfg.Enabled)
		}
		if onReload != nil {
			onReload(cfg, err)
		}
	}
}

// Test fires h once for trigger t with sample data.
func (s *Service) Test(ctx context.Context, h hooks.Hook, t call.Trigger) (ui.TestResult, error) {
	r, err := s.e.Dispatcher().Test(ctx, h, t)
	return ui.TestResult{Status: r.StatusCode, Latency: r.Latency, Excerpt: r.Response, Err: r.Error}, err
}

// HookTest fires the configured hook id once with sample data.
func (s *Service) HookTest(ctx context.Context, id string, t call.Trigger) (hooks.Result, error) {
	// The hooks in force: the user's and the policy's managed ones.
	cfg := s.e.Effective()
	for _, h := range cfg.Hooks {
		if h.ID == id {
			return s.e.Dispatcher().Test(ctx, h, t)
		}
	}
	return hooks.Result{}, fmt.Errorf("no hook with id %q in %s: `callhook hooks list` shows the ids", id, s.config)
}

// History returns up to limit calls from the journal, newest first.
func (s *Service) History(ctx context.Context, limit int) ([]ui.CallRow, error) {
	calls, err := s.e.Journal().Calls(ctx, limit)
	if err != nil {
		return nil, err
	}
	rows := make([]ui.CallRow, 0, len(calls))
	for _, c := range calls {
		row := ui.CallRow{Call: c.Call}
		for _, d := range c.Deliveries {
			row.Deliveries = append(row.Deliveries, ui.DeliveryRow{
				WebhookID: d.WebhookID, CallID: c.Call.ID, HookID: d.HookID, HookName: d.HookName, Trigger: d.Trigger,
				State: d.State, StatusCode: d.StatusCode, Attempts: d.Attempts, Latency: d.Latency,
				Err: d.Error, At: d.Updated,
			})
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ActiveCalls returns the calls in progress.
func (s *Service) ActiveCalls() []call.Call { return s.e.Tracker().Active() }

// Resend queues the delivery with this webhook-id again.
func (s *Service) Resend(ctx context.Context, webhookID string) error {
	return s.e.Dispatcher().Resend(ctx, webhookID)
}

// Delivery returns one delivery's detail: the request as sent, secrets
// masked, and its attempts.
func (s *Service) Delivery(ctx context.Context, webhookID string) (ui.DeliveryDetail, error) {
	d, err := s.e.Journal().Delivery(ctx, webhookID)
	if err != nil {
		return ui.DeliveryDetail{}, err
	}
	var out ui.DeliveryDetail
	for _, a := range d.History {
		out.Attempts = append(out.Attempts, ui.AttemptRow{At: a.At, StatusCode: a.StatusCode, Latency: a.Latency,
			Err: a.Error, Response: a.Response})
	}
	if out.Request, err = s.e.Journal().SentRequest(ctx, webhookID); err != nil {
		out.Request = "(" + err.Error() + ")"
	}
	return out, nil
}

// SimulateWith plays a short call for the window's "Simulate a call", of
// queue when not empty: it rings, is answered, talks and ends.
func (s *Service) SimulateWith(ctx context.Context, dir call.Direction, remote, name, queue string) error {
	_, err := s.SimulateCall(ctx, sip.Simulation{Direction: dir, Remote: remote, Name: name, Queue: queue,
		AnswerAfter: ui.SimulatedRing, HangupAfter: ui.SimulatedTalk})
	return err
}

// SimulateCall starts one synthetic call through the running hooks and
// returns its id at once.
func (s *Service) SimulateCall(_ context.Context, sim sip.Simulation) (string, error) {
	if sim.Direction != call.In && sim.Direction != call.Out {
		return "", fmt.Errorf("simulate: direction %q: want in or out", sim.Direction)
	}
	if sim.Remote == "" {
		return "", errors.New("simulate: the remote number is missing")
	}
	if sim.Local == "" {
		// The number of the source in force: a policy may fix it.
		sim.Local = s.e.Effective().Source.Dialog.Username
		if sim.Local == "" {
			sim.Local = "100"
		}
	}
	// The id is ours, whatever the client sent: it names the call in the
	// journal.
	sim.ID = sip.NewSimulationID(time.Now())
	done := make(chan struct{})
	s.mu.Lock()
	s.simulating[sim.ID] = done
	s.mu.Unlock()
	go func() {
		s.e.Tracker().Simulate(s.ctx, sim)
		close(done)
		// Wait calls that come later find the call ended in the journal.
		time.AfterFunc(time.Minute, func() {
			s.mu.Lock()
			delete(s.simulating, sim.ID)
			s.mu.Unlock()
		})
	}()
	return sim.ID, nil
}

// Wait blocks until the call ended (a simulated one plays for a while)
// and every one of its deliveries is final, or ctx ends.
func (s *Service) Wait(ctx context.Context, callID string) error {
	s.mu.Lock()
	done := s.simulating[callID]
	s.mu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("wait for call %s: %w", callID, ctx.Err())
		}
	}
	return s.e.Dispatcher().Wait(ctx, callID)
}

// SourceStatus returns the call source's condition.
func (s *Service) SourceStatus() ui.SourceStatus { return sourceStatus(s.e.Status()) }

// Policy says which administrator's policy is in force, from where and
// since when.
func (s *Service) Policy() hooks.PolicyStatus { return s.e.PolicyStatus() }

// SetSecret stores a secret in the OS keychain.
func (s *Service) SetSecret(name, value string) error {
	if !hooks.ValidSecretName(name) {
		return fmt.Errorf("secret name %q: use letters, digits, - and _", name)
	}
	return s.e.Secrets().Set(name, value)
}

// ShowWindow starts the window or brings it to the front.
func (s *Service) ShowWindow() error {
	if s.show == nil {
		return fmt.Errorf("callhook %s (pid %d) has no window: it is headless", s.kind, os.Getpid())
	}
	return s.show()
}

// Status is the agent's state for `callhook status`.
func (s *Service) Status(ctx context.Context) control.Status {
	// What runs: the user's config under the administrator's policy.
	cfg := s.e.Effective()
	st := control.Status{
		PID: os.Getpid(), Kind: s.kind, Version: s.version, Config: s.config, Data: s.e.DataDir(),
		Started: s.started, Enabled: cfg.Enabled, Hooks: len(cfg.Hooks), Mode: string(cfg.Source.Mode),
		Source: s.SourceStatus(), Calls: s.ActiveCalls(), Policy: s.e.PolicyStatus(),
	}
	if n, err := s.e.Journal().Pending(ctx); err == nil {
		st.Pending = n
	} else {
		st.Pending = -1
	}
	if s.window != nil {
		st.Window = s.window()
	}
	if s.tray != nil {
		st.Tray = s.tray()
	}
	return st
}

func sourceStatus(st sip.Status) ui.SourceStatus {
	return ui.SourceStatus{State: string(st.State), Detail: st.Detail, Err: st.Err,
		Transport: st.Transport, Advertised: st.Advertised, Learned: st.Learned,
		Keepalive: st.Keepalive, KeepaliveAt: st.KeepaliveAt, Dialect: st.Dialect}
}

func resultRow(r hooks.Result) ui.DeliveryRow {
	return ui.DeliveryRow{
		WebhookID: r.WebhookID, CallID: r.CallID, HookID: r.HookID, HookName: r.HookName, Trigger: r.Trigger,
		Action: r.Action, State: r.State, StatusCode: r.StatusCode, Attempts: r.Attempt, Latency: r.Latency,
		Err: r.Error, At: r.At, Final: r.Final, NextAttempt: r.NextAttempt,
	}
}
