package hooks

import (
	"errors"
	"fmt"
	"slices"
)

// ErrManagedHookLocked is returned when the user tries to switch off a
// managed hook whose policy does not let them.
var ErrManagedHookLocked = errors.New("the policy does not let the user switch this hook off")

// ErrNotManaged is returned for an id the policy manages no hook under.
var ErrNotManaged = errors.New("no managed hook with this id")

// Apply returns the config in force under p: c with every hook off when
// p switches hooks off, p's source instead of c's, and p's managed hooks
// after c's own (a user hook with a managed hook's id gives way to it).
// A managed hook runs unless the policy switches it off, or it has
// user_can_disable and c.DisabledManagedHooks lists it. c is not
// changed; with a nil p the result is a copy of c.
func (p *Policy) Apply(c *Config) *Config {
	out := c.Clone()
	if p == nil {
		return out
	}
	if !p.Enabled() {
		out.Enabled = false
	}
	if p.Source != nil {
		out.Source = cloneSource(*p.Source)
	}
	if len(p.Hooks) == 0 {
		return out
	}
	out.Hooks = slices.DeleteFunc(out.Hooks, func(h Hook) bool {
		_, managed := p.Managed(h.ID)
		return managed
	})
	for _, m := range p.Hooks {
		h := m.Hook.Clone()
		if m.UserCanDisable && slices.Contains(c.DisabledManagedHooks, m.ID) {
			h.Enabled = false
		}
		out.Hooks = append(out.Hooks, h)
	}
	return out
}

// ManagedHookState is a managed hook as the window shows it: read-only,
// with a switch the user may turn only where UserCanDisable is set.
type ManagedHookState struct {
	// Hook is the hook as the policy gives it (its Enabled the policy's).
	Hook Hook
	// UserCanDisable: the user may switch it off (and on again).
	UserCanDisable bool
	// UserDisabled: the user's config lists it as switched off. Without
	// UserCanDisable it is ignored and the hook runs all the same.
	UserDisabled bool
	// Runs: the hook fires on its triggers (the policy's and the
	// user's switch; the global switches aside).
	Runs bool
}

// ManagedHooks returns the policy's managed hooks with the user's
// switches of c, in the policy's order.
func (p *Policy) ManagedHooks(c *Config) []ManagedHookState {
	if p == nil {
		return nil
	}
	out := make([]ManagedHookState, 0, len(p.Hooks))
	for _, m := range p.Hooks {
		off := c != nil && slices.Contains(c.DisabledManagedHooks, m.ID)
		out = append(out, ManagedHookState{Hook: m.Hook.Clone(), UserCanDisable: m.UserCanDisable, UserDisabled: off,
			Runs: m.Enabled && !(off && m.UserCanDisable)})
	}
	return out
}

// SetManagedHookOff records in c the user's switch of the managed hook
// id: off adds it to c.DisabledManagedHooks, !off removes it. A hook
// without user_can_disable is ErrManagedHookLocked, an id p does not
// manage ErrNotManaged; c is then unchanged.
func (c *Config) SetManagedHookOff(p *Policy, id string, off bool) error {
	m, ok := p.Managed(id)
	if !ok {
		return fmt.Errorf("managed hook %q: %w", id, ErrNotManaged)
	}
	if !m.UserCanDisable {
		return fmt.Errorf("managed hook %q: %w (%s)", id, ErrManagedHookLocked, p.Origin)
	}
	c.DisabledManagedHooks = slices.DeleteFunc(c.DisabledManagedHooks, func(s string) bool { return s == id })
	if off {
		c.DisabledManagedHooks = append(c.DisabledManagedHooks, id)
	}
	return nil
}

// PolicyProblems lists what in c the policy p refuses: a hook URL whose
// host allowed_hosts does not list, and a user hook with the id of a
// managed hook. Each names the hook, the host and the policy. It also
// checks disabled_managed_hooks's ids, with or without a policy.
func (c *Config) PolicyProblems(p *Policy) []Problem {
	var ps problems
	for i, id := range c.DisabledManagedHooks {
		if !ValidHookID(id) {
			ps.add("", "", fmt.Sprintf("disabled_managed_hooks[%d]", i), "%q is not a hook id (letters, digits, - and _)", id)
		}
	}
	if p == nil {
		return ps.list
	}
	for i := range c.Hooks {
		h := &c.Hooks[i]
		path := "hooks[" + h.ID + "]"
		if h.ID == "" {
			path = fmt.Sprintf("hooks[%d]", i)
		}
		if _, managed := p.Managed(h.ID); managed && h.ID != "" {
			ps.add(path, h.ID, "id", "%q is the id of a hook managed by the policy %s: give your hook another id", h.ID, p.Origin)
		}
		if h.URL == "" {
			continue
		}
		if err := p.CheckURL(h.URL); err != nil {
			ps.add(path, h.ID, "url", "%v", err)
		}
	}
	return ps.list
}

// ValidateWith is Validate with the policy's rules too (PolicyProblems):
// what config check, the window's save and the editor run. With a nil p
// it is Validate.
func (c *Config) ValidateWith(p *Policy) error {
	var list []Problem
	if err := c.Validate(); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		list = ve.Problems
	}
	list = append(list, c.PolicyProblems(p)...)
	if len(list) > 0 {
		return &ValidationError{Problems: list}
	}
	return nil
}

// PolicyWarnings lists what is valid under p but not what the user may
// expect: a managed hook they switched off that the policy keeps on, and
// a managed hook whose host the policy's own allowed_hosts refuses (it
// will never be sent; only the administrator can fix it).
func (c *Config) PolicyWarnings(p *Policy) []Problem {
	if p == nil {
		return nil
	}
	var out []Problem
	for _, id := range c.DisabledManagedHooks {
		if m, ok := p.Managed(id); ok && !m.UserCanDisable {
			out = append(out, Problem{Path: "disabled_managed_hooks", Hook: id, Field: "disabled_managed_hooks",
				Message: fmt.Sprintf("managed hook %q stays on: the policy %s does not let you switch it off", id, p.Origin)})
		}
	}
	for _, m := range p.Hooks {
		if err := p.CheckURL(m.URL); err != nil {
			out = append(out, Problem{Path: "policy.hooks[" + m.ID + "].url", Hook: m.ID, Field: "url",
				Message: fmt.Sprintf("managed hook %q is never sent: %v", m.ID, err)})
		}
	}
	return out
}
