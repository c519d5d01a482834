// Package engine is what `callhook run`, `callhook simulate` and the
// desktop app share: the journal, the dispatcher that fires the hooks,
// the call tracker, and the configured SIP source, started, reconfigured
// and stopped as one. It knows nothing of flags or windows.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

// expireEvery is how often the tracker ends calls past their maximum age
// when no new call does it.
const expireEvery = time.Minute

// Engine runs the hooks on the calls of one config and data directory.
type Engine struct {
	data    string
	log     *slog.Logger
	journal *hooks.Journal
	disp    *hooks.Dispatcher
	tracker *sip.Tracker
	secrets hooks.SecretStore
	// newSource builds sources; tests substitute fakes.
	newSource sourceFactory

	// swap is held across every change of the running source, stop and
	// start together: two SetConfig calls at once (a save in the window
	// and a reload of the file) would otherwise each detach what the
	// other attached, and leave a source running that nothing stops.
	swap sync.Mutex

	mu  sync.Mutex
	cfg *hooks.Config // the user's config, as saved
	// eff is the config in force: cfg under the policy (policy.go).
	eff     *hooks.Config
	running runningSource
	// launching is the id of the source being started, whose reports
	// count before it is attached; sourceIDs numbers the sources.
	launching uint64
	sourceIDs atomic.Uint64
	// onStatus is told of every source status change (GUI, run's log).
	onStatus func(sip.Status)
	// onCall is told of every call event after the dispatcher has it.
	onCall func(call.Event)
	// failed receives the error of a source that stopped by itself.
	failed chan error

	stopExpire context.CancelFunc
	expireDone chan struct{}

	// policy is the administrator's policy (policy.go).
	policy policyState
	// noSource: no call source runs, whatever the config or the policy
	// say (WithoutSource).
	noSource bool
}

// Option configures an Engine.
type Option func(*Engine)

// WithoutSource makes an engine that runs no call source, whatever the
// config or the policy's source say: `callhook simulate` plays its one
// call under the hooks and policy in force, while the agent (or a run)
// that owns the PBX connection is not running.
func WithoutSource() Option { return func(e *Engine) { e.noSource = true } }

// Open opens the journal under data and builds the dispatcher and tracker
// for cfg (under the policy, with WithPolicy). Nothing runs until Start.
func Open(data string, cfg *hooks.Config, log *slog.Logger, opts ...Option) (*Engine, error) {
	j, err := hooks.Open(data)
	if err != nil {
		return nil, err
	}
	e := &Engine{data: data, log: log, journal: j, cfg: cfg, secrets: hooks.Keyring{},
		newSource: newSource, failed: make(chan error, 1)}
	for _, o := range opts {
		o(e)
	}
	pol := e.loadPolicy()
	e.eff = e.inForce(pol, cfg)
	e.disp = hooks.NewDispatcher(j, e.eff, hooks.WithLogger(log), hooks.WithSecrets(e.secrets), hooks.WithPolicy(pol))
	e.tracker = sip.NewTracker(e.eff.User, queueRules(e.eff), e.handle)
	return e, nil
}

// DataDir returns the data directory the engine's journal is in.
func (e *Engine) DataDir() string { return e.data }

// Dispatcher returns the engine's dispatcher (Subscribe, Test, Resend,
// Wait).
func (e *Engine) Dispatcher() *hooks.Dispatcher { return e.disp }

// Tracker returns the engine's call tracker (Active, Simulate).
func (e *Engine) Tracker() *sip.Tracker { return e.tracker }

// Journal returns the engine's journal (history).
func (e *Engine) Journal() *hooks.Journal { return e.journal }

// Secrets returns where the engine's secrets are kept.
func (e *Engine) Secrets() hooks.SecretStore { return e.secrets }

// OnStatus makes fn hear of every source status change.
func (e *Engine) OnStatus(fn func(sip.Status)) {
	e.mu.Lock()
	e.onStatus = fn
	e.mu.Unlock()
}

// OnCall makes fn hear of every call event, after the dispatcher.
func (e *Engine) OnCall(fn func(call.Event)) {
	e.mu.Lock()
	e.onCall = fn
	e.mu.Unlock()
}

// Failed delivers the error of a source that stopped by itself, or of a
// new source that did not start when none was left running: `run` exits
// on it.
func (e *Engine) Failed() <-chan error { return e.failed }

// handle passes a call event to the dispatcher, then to onCall.
func (e *Engine) handle(ev call.Event) {
	e.disp.Handle(ev)
	e.mu.Lock()
	fn := e.onCall
	e.mu.Unlock()
	if fn != nil {
		fn(ev)
	}
}

// Start resumes pending deliveries and starts the configured source.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.disp.Start(ctx); err != nil {
		return fmt.Errorf("start dispatcher: %w", err)
	}
	ectx, cancel := context.WithCancel(context.Background())
	e.stopExpire, e.expireDone = cancel, make(chan struct{})
	go e.expireLoop(ectx)
	e.startPolicy(ctx)
	e.swap.Lock()
	defer e.swap.Unlock()
	return e.launch(ctx, e.Effective().Source)
}

// expireLoop ends calls past their maximum age until ctx ends.
func (e *Engine) expireLoop(ctx context.Context) {
	defer close(e.expireDone)
	t := time.NewTicker(expireEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.tracker.Expire()
		}
	}
}

// Config returns the user's config, as given to Open or SetConfig: what
// the window edits and saves. Effective is the config in force. Callers
// must not change it.
func (e *Engine) Config() *hooks.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg
}

// Effective returns the config in force: the user's under the
// administrator's policy, managed hooks included. Callers must not
// change it.
func (e *Engine) Effective() *hooks.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.eff
}

// SetConfig makes cfg the user's config, in force under the policy; the
// source restarts when its settings changed. A new source that does not
// start leaves the running one running (the error says why); only when
// none is left does the source count as failed.
func (e *Engine) SetConfig(ctx context.Context, cfg *hooks.Config) error {
	e.swap.Lock()
	defer e.swap.Unlock()
	e.mu.Lock()
	e.cfg = cfg
	pol := e.policy.current
	e.mu.Unlock()
	return e.apply(ctx, pol)
}

// apply puts the user's config under pol in force; the caller holds
// e.swap.
func (e *Engine) apply(ctx context.Context, pol *hooks.Policy) error {
	e.mu.Lock()
	e.policy.current = pol
	eff := e.inForce(pol, e.cfg)
	e.eff = eff
	running := e.running.cfg
	user := e.cfg
	e.mu.Unlock()
	for _, p := range user.PolicyProblems(pol) {
		e.log.Warn("refused by the policy", "problem", p.String())
	}
	e.disp.SetPolicy(pol)
	e.disp.SetConfig(eff)
	e.tracker.SetQueues(eff.User, queueRules(eff))
	if reflect.DeepEqual(running, eff.Source) {
		return nil
	}
	err := e.replaceSource(ctx, running, eff.Source)
	if err != nil && e.Status().State == sip.StateOff && eff.Source.Mode != hooks.SourceNone {
		e.sourceFailed(err)
	}
	return err
}

// inForce is cfg under pol, without a source for WithoutSource.
func (e *Engine) inForce(pol *hooks.Policy, cfg *hooks.Config) *hooks.Config {
	eff := pol.Apply(cfg)
	if e.noSource {
		eff.Source = hooks.Source{Mode: hooks.SourceNone}
	}
	return eff
}

// Status returns the source's status; StateOff for source mode none.
func (e *Engine) Status() sip.Status {
	e.mu.Lock()
	src := e.running.src
	e.mu.Unlock()
	if src == nil {
		return sip.Status{State: sip.StateOff, Detail: "no call source (source mode none)"}
	}
	return src.Status()
}

// reportFrom passes on a status report of source id, unless that source
// is no longer the engine's: one being replaced keeps running, and
// reporting, until the new one runs ("stopped", an old SUBSCRIBE error),
// and the window would show the old source's state as the new one's.
func (e *Engine) reportFrom(id uint64, s sip.Status) {
	e.mu.Lock()
	current := id == e.running.id || id == e.launching
	e.mu.Unlock()
	if !current {
		e.log.Debug("call source: report of a replaced source dropped", "state", s.State)
		return
	}
	e.reportStatus(s)
}

// reportStatus logs a status change, one line each, and passes it on.
// The source reports only changes (a keepalive answered like the last one
// is not a change), so a healthy source stays quiet.
func (e *Engine) reportStatus(s sip.Status) {
	e.mu.Lock()
	fn := e.onStatus
	e.mu.Unlock()
	level, args := statusLog(s)
	e.log.Log(context.Background(), level, "call source", args...)
	if fn != nil {
		fn(s)
	}
}

// sourceFailed reports a source that stopped by itself: its calls in
// progress end as failed, since nothing will report their end, and run
// exits on it.
func (e *Engine) sourceFailed(err error) {
	e.log.Error("call source stopped", "err", err)
	e.tracker.EndAll(call.Failed)
	select {
	case e.failed <- err:
	default:
	}
}

// Close stops the source, drains the dispatcher (in-flight attempts get
// until ctx ends; the rest stays in the outbox) and closes the journal.
// Calls in progress are not ended: the proxy keeps them in its state
// file, and the next start carries them on.
func (e *Engine) Close(ctx context.Context) error {
	e.stopPolicyLoop()
	e.swap.Lock()
	e.detachSource().stop()
	e.swap.Unlock()
	if e.stopExpire != nil {
		e.stopExpire()
		<-e.expireDone
	}
	err := e.disp.Close(ctx)
	if cerr := e.journal.Close(); err == nil {
		err = cerr
	}
	return err
}

// queueRules maps the config's queues to the tracker's rules.
func queueRules(cfg *hooks.Config) []sip.QueueRule {
	rules := make([]sip.QueueRule, 0, len(cfg.Queues))
	for _, q := range cfg.Queues {
		rules = append(rules, sip.QueueRule{Name: q.Name, Numbers: q.Numbers, DisplayPrefix: q.DisplayPrefix, Header: q.Header})
	}
	return rules
}
