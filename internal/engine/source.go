package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

// sourceStartWait bounds how long a new source may take to bind before it
// counts as started: a proxy binds in Run, at once; a dialog source that
// is still waiting for the PBX then is running all the same.
const sourceStartWait = 5 * time.Second

// sourceFactory builds the source cfg asks for; nil for mode none.
type sourceFactory func(cfg *hooks.Config, data string, tr *sip.Tracker, secrets hooks.Secrets,
	log *slog.Logger, onStatus func(sip.Status)) (sip.Source, error)

// runningSource is a started source and what stops it.
type runningSource struct {
	// id tells this source's status reports from those of one that
	// was replaced (see reportFrom).
	id     uint64
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

// carriesCalls reports whether a source with cfg carries on the calls in
// progress of one with old: a proxy keeps them in its state file for the
// next proxy; any other change loses them.
func carriesCalls(old, cfg hooks.Source) bool {
	return old.Mode == hooks.SourceProxy && cfg.Mode == hooks.SourceProxy
}

// replaceSource swaps the source running with old for one with cfg; the
// caller holds e.swap. The new one starts beside the old, which stops
// once it runs; a proxy on the old one's listen address cannot, so the
// old one stops first and starts again if the new one fails. Calls in
// progress that the new source does not carry on end as failed: nothing
// would report their end.
func (e *Engine) replaceSource(ctx context.Context, old, cfg hooks.Source) error {
	if old.Mode == hooks.SourceProxy && cfg.Mode == hooks.SourceProxy && old.Proxy.Listen == cfg.Proxy.Listen {
		e.detachSource().stop()
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
	if prev.src != nil && !carriesCalls(old, cfg) {
		e.tracker.EndAll(call.Failed)
	}
	return nil
}

// launch builds and starts a source with sc and, once it runs (its Run
// has not failed and its status left "starting", or sourceStartWait
// passed), makes it the engine's; the caller holds e.swap and has
// detached the source before. A source failing later is reported on
// Failed.
func (e *Engine) launch(ctx context.Context, sc hooks.Source) error {
	cfg := *e.Effective()
	cfg.Source = sc
	id := e.sourceIDs.Add(1)
	e.mu.Lock()
	e.launching = id
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.launching = 0
		e.mu.Unlock()
	}()
	src, err := e.newSource(&cfg, e.data, e.tracker, e.secrets, e.log, func(s sip.Status) { e.reportFrom(id, s) })
	if err != nil {
		e.reportStatus(sip.Status{State: sip.StateError, Err: err.Error(), Since: time.Now()})
		return err
	}
	if src == nil {
		e.attachSource(runningSource{id: id, cfg: sc})
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
	e.attachSource(runningSource{id: id, src: src, cfg: sc, cancel: cancel, done: done})
	go func() {
		<-done
		if runErr != nil && sctx.Err() == nil {
			e.sourceFailed(runErr)
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

// attachSource makes r the engine's source.
func (e *Engine) attachSource(r runningSource) {
	e.mu.Lock()
	e.running = r
	e.mu.Unlock()
}

// detachSource takes the engine's source away, still running.
func (e *Engine) detachSource() runningSource {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.running
	e.running = runningSource{}
	return r
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
