package hooks

// WithPolicy sets the administrator's policy the dispatcher starts with
// (default none).
func WithPolicy(p *Policy) Option { return func(d *Dispatcher) { d.policy.Store(p) } }

// SetPolicy makes p the policy every attempt from now on is checked
// against: while it switches hooks off nothing is sent, and a hook whose
// host it does not allow fails without a request, pending retries and
// deliveries resumed from the outbox included. The config's hooks do
// not change: pass the policy's config (Policy.Apply) to SetConfig. The
// dispatcher does not copy p: do not change it afterwards.
func (d *Dispatcher) SetPolicy(p *Policy) { d.policy.Store(p) }

// Policy returns the policy the dispatcher checks against, nil for none.
func (d *Dispatcher) Policy() *Policy { return d.policy.Load() }
