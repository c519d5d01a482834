package engine

import (
	"context"

	"github.com/callhook/callhook/hooks"
)

// policyState is the engine's part in the administrator's policy: the
// watcher that keeps it and the loop that follows it.
type policyState struct {
	watcher *hooks.PolicyWatcher
	// current is the policy in force (guarded by e.mu); nil: none.
	current *hooks.Policy
	// onChange is told of every policy applied (guarded by e.mu).
	onChange func(*hooks.Policy)
	// ctx is what sources a policy change starts run under: Start's.
	ctx  context.Context
	stop context.CancelFunc
	done chan struct{}
}

// WithPolicy makes the engine run under the policy w keeps: w is loaded
// at Open (the file and the cached provisioned policy, no network), and
// followed from Start, each change applied live.
func WithPolicy(w *hooks.PolicyWatcher) Option {
	return func(e *Engine) { e.policy.watcher = w }
}

// loadPolicy loads the policy at Open; nil without WithPolicy.
func (e *Engine) loadPolicy() *hooks.Policy {
	w := e.policy.watcher
	if w == nil {
		return nil
	}
	p := w.Load()
	switch st := w.Status(); {
	case st.Error != "":
		e.log.Warn("policy", "from", st.From, "effects", p.String(), "err", st.Error)
	case st.Active:
		e.log.Info("policy", "from", st.From, "effects", p.String())
	}
	for _, pr := range e.cfg.PolicyProblems(p) {
		e.log.Warn("refused by the policy", "problem", pr.String())
	}
	e.policy.current = p
	return p
}

// startPolicy follows the policy until Close; ctx is what a source that a
// policy change starts runs under.
func (e *Engine) startPolicy(ctx context.Context) {
	w := e.policy.watcher
	if w == nil || e.policy.stop != nil {
		return
	}
	e.policy.ctx = ctx
	lctx, cancel := context.WithCancel(context.Background())
	e.policy.stop, e.policy.done = cancel, make(chan struct{})
	w.OnChange(e.policyChanged)
	go func() {
		defer close(e.policy.done)
		w.Run(lctx)
	}()
}

// stopPolicyLoop stops following the policy and waits until a change
// being applied is done.
func (e *Engine) stopPolicyLoop() {
	if e.policy.stop == nil {
		return
	}
	e.policy.stop()
	<-e.policy.done
	e.policy.watcher.OnChange(nil)
}

// policyChanged applies a new policy live: hooks, the kill switch and the
// allowed hosts at once, the source when the policy changes it.
func (e *Engine) policyChanged(p *hooks.Policy) {
	e.swap.Lock()
	err := e.apply(e.policy.ctx, p)
	e.swap.Unlock()
	if err != nil {
		e.log.Error("policy applied but for the call source", "err", err)
	}
	e.mu.Lock()
	fn := e.policy.onChange
	e.mu.Unlock()
	if fn != nil {
		fn(p)
	}
}

// Policy returns the administrator's policy in force, nil for none. Do
// not change it.
func (e *Engine) Policy() *hooks.Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.policy.current
}

// PolicyStatus says which policy is in force, from where, when it was
// fetched and the last error; zero without WithPolicy.
func (e *Engine) PolicyStatus() hooks.PolicyStatus {
	if e.policy.watcher == nil {
		return hooks.PolicyStatus{}
	}
	return e.policy.watcher.Status()
}

// OnPolicy makes fn hear of every policy applied (the window redraws its
// managed hooks; nil: no policy any more).
func (e *Engine) OnPolicy(fn func(*hooks.Policy)) {
	e.mu.Lock()
	e.policy.onChange = fn
	e.mu.Unlock()
}
