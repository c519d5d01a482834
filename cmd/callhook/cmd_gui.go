package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/internal/instance"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// startGUI runs the desktop app on the same config file and journal the
// CLI uses.
func startGUI(p paths, std stdio) int {
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	// One app or run per data directory. A second launch of the app
	// exits for now; once the agent serves its control API (issue #8),
	// it asks the first to show its window and exits 0.
	lock, err := instance.Acquire(p.data)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		if held := (*instance.HeldError)(nil); errors.As(err, &held) {
			fmt.Fprintln(std.err, "Callhook is already running: use its window or tray icon, or quit it first.")
		}
		return exitFailure
	}
	defer lock.Release()
	log := newLogger(std, false)
	cfg, err := hooks.Load(p.config)
	switch {
	case errors.Is(err, os.ErrNotExist):
		// First start: write the defaults, so the GUI's auto-save and the
		// CLI share one file from the beginning.
		cfg = hooks.Default()
		if err := hooks.Save(p.config, cfg); err != nil {
			fmt.Fprintf(std.err, "callhook: %v\n", err)
			return exitFailure
		}
	case err != nil:
		fmt.Fprintf(std.err, "callhook: %v\nFix the file (callhook config check lists every problem) and start again.\n", err)
		return exitUsage
	default:
		if err := cfg.Validate(); err != nil {
			fmt.Fprintf(std.err, "callhook: %s: %v\n", p.config, err)
			return exitUsage
		}
	}
	e, err := engine.Open(p.data, cfg, log)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := newGUIBackend(ctx, e, p.config)
	if err := e.Start(ctx); err != nil {
		log.Error("start", "err", err)
	}
	code := runGUI(p.config, p.data, b, log)
	cancel()
	b.close()
	dctx, dcancel := context.WithTimeout(context.Background(), drainTimeout)
	defer dcancel()
	if err := e.Close(dctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return code
}

// guiBackend adapts the engine to ui.Backend.
type guiBackend struct {
	ctx    context.Context
	e      *engine.Engine
	config string // the config file Save writes and Reload reads

	mu      sync.Mutex
	subs    map[int]func(ui.Event)
	next    int
	stopSub func()
}

var _ ui.Backend = (*guiBackend)(nil)

func newGUIBackend(ctx context.Context, e *engine.Engine, config string) *guiBackend {
	b := &guiBackend{ctx: ctx, e: e, config: config, subs: map[int]func(ui.Event){}}
	b.stopSub = e.Dispatcher().Subscribe(func(r hooks.Result) {
		b.publish(ui.Event{Kind: ui.DeliveryDone, Delivery: resultRow(r), Call: b.callOf(r.CallID)})
	})
	e.OnStatus(func(s sip.Status) { b.publish(ui.Event{Kind: ui.SourceChanged, Source: sourceStatus(s)}) })
	e.OnCall(func(call.Event) { b.publish(ui.Event{Kind: ui.CallsChanged}) })
	return b
}

func (b *guiBackend) close() { b.stopSub() }

func (b *guiBackend) publish(ev ui.Event) {
	b.mu.Lock()
	fns := make([]func(ui.Event), 0, len(b.subs))
	for _, fn := range b.subs {
		fns = append(fns, fn)
	}
	b.mu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

// callOf finds a call for a delivery notification: in progress, else
// from the journal.
func (b *guiBackend) callOf(id string) call.Call {
	for _, c := range b.e.Tracker().Active() {
		if c.ID == id {
			return c
		}
	}
	calls, err := b.e.Journal().Calls(b.ctx, 20)
	if err == nil {
		for _, c := range calls {
			if c.Call.ID == id {
				return c.Call
			}
		}
	}
	return call.Call{ID: id}
}

func (b *guiBackend) Subscribe(fn func(ui.Event)) func() {
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = fn
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
	}
}

func (b *guiBackend) Config() *hooks.Config { return b.e.Config().Clone() }

func (b *guiBackend) Save(cfg *hooks.Config) error {
	if err := hooks.Save(b.config, cfg); err != nil {
		return err
	}
	return b.e.SetConfig(b.ctx, cfg.Clone())
}

func (b *guiBackend) Reload() (*hooks.Config, error) {
	cfg, err := hooks.Load(b.config)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := b.e.SetConfig(b.ctx, cfg); err != nil {
		return cfg.Clone(), err
	}
	return cfg.Clone(), nil
}

func (b *guiBackend) Test(ctx context.Context, h hooks.Hook, t call.Trigger) (ui.TestResult, error) {
	r, err := b.e.Dispatcher().Test(ctx, h, t)
	res := ui.TestResult{Status: r.StatusCode, Latency: r.Latency, Excerpt: r.Response, Err: r.Error}
	return res, err
}

func (b *guiBackend) History(ctx context.Context, limit int) ([]ui.CallRow, error) {
	calls, err := b.e.Journal().Calls(ctx, limit)
	if err != nil {
		return nil, err
	}
	rows := make([]ui.CallRow, 0, len(calls))
	for _, c := range calls {
		row := ui.CallRow{Call: c.Call}
		for _, d := range c.Deliveries {
			row.Deliveries = append(row.Deliveries, ui.DeliveryRow{
				WebhookID: d.WebhookID, HookID: d.HookID, HookName: d.HookName, Trigger: d.Trigger,
				State: d.State, StatusCode: d.StatusCode, Attempts: d.Attempts, Latency: d.Latency,
				Err: d.Error, At: d.Updated,
			})
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (b *guiBackend) ActiveCalls() []call.Call { return b.e.Tracker().Active() }

func (b *guiBackend) Resend(ctx context.Context, webhookID string) error {
	return b.e.Dispatcher().Resend(ctx, webhookID)
}

// Simulate plays a short call: rings 2 s, is answered, talks 3 s.
func (b *guiBackend) Simulate(ctx context.Context, dir call.Direction, remote, name string) error {
	if dir != call.In && dir != call.Out {
		return fmt.Errorf("simulate: direction %q: want in or out", dir)
	}
	local := b.e.Config().Source.Dialog.Username
	if local == "" {
		local = "100"
	}
	go b.e.Tracker().Simulate(b.ctx, sip.Simulation{
		Direction: dir, Local: local, Remote: remote, Name: name,
		AnswerAfter: 2 * time.Second, HangupAfter: 3 * time.Second,
	})
	return nil
}

func (b *guiBackend) SourceStatus() ui.SourceStatus { return sourceStatus(b.e.Status()) }

func (b *guiBackend) SetSecret(name, value string) error {
	if !hooks.ValidSecretName(name) {
		return fmt.Errorf("secret name %q: use letters, digits, - and _", name)
	}
	return b.e.Secrets().Set(name, value)
}

func sourceStatus(s sip.Status) ui.SourceStatus {
	return ui.SourceStatus{State: string(s.State), Detail: s.Detail, Err: s.Err,
		Transport: s.Transport, Advertised: s.Advertised, Learned: s.Learned,
		Keepalive: s.Keepalive, KeepaliveAt: s.KeepaliveAt, Dialect: s.Dialect}
}

func resultRow(r hooks.Result) ui.DeliveryRow {
	return ui.DeliveryRow{
		WebhookID: r.WebhookID, CallID: r.CallID, HookID: r.HookID, HookName: r.HookName, Trigger: r.Trigger,
		Action: r.Action, State: r.State, StatusCode: r.StatusCode, Attempts: r.Attempt, Latency: r.Latency,
		Err: r.Error, At: r.At, Final: r.Final, NextAttempt: r.NextAttempt,
	}
}
