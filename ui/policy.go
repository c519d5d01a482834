package ui

import (
	"strings"
	"time"

	"github.com/callhook/callhook/hooks"
)

// The administrator's policy in the window: its managed hooks listed
// read-only beside the user's (hooks_policy.go, editor_policy.go), hook
// URLs checked against its allowed hosts as they are typed, the global
// switch and the source locked where it decides them, and a line in
// Settings that says which policy is in force (settings_policy.go). The
// window only shows the policy: the agent enforces it.

// policyStatus is the policy as the window last heard of it. The hooks
// tab holds it, so that a rebuild in another language keeps it.
func (u *UI) policyStatus() hooks.PolicyStatus { return u.hooks.pol }

// policy is the policy in force; nil: none.
func (u *UI) policy() *hooks.Policy { return u.hooks.pol.Policy }

// inForce is the user's config under the policy: what the agent runs,
// managed hooks and the policy's switch included.
func (u *UI) inForce() *hooks.Config { return u.policy().Apply(u.cfg) }

// fetchPolicy asks the backend for the policy in force, in the
// background, and shows it.
func (u *UI) fetchPolicy() {
	u.spawn(func() {
		st := u.b.Policy()
		u.do(func() {
			if !u.stopped {
				u.setPolicy(st)
			}
		})
	})
}

// setPolicy shows st everywhere: the managed hooks, an open editor, the
// global switch, the source and the policy's line in Settings.
func (u *UI) setPolicy(st hooks.PolicyStatus) {
	u.hooks.pol = st
	u.hooks.policyChanged()
	u.refresh()
}

// policyText words the policy status for Settings: what the policy does,
// where it comes from, when it was fetched, its last error; "" for no
// policy and no error.
func policyText(l tr, st hooks.PolicyStatus) string {
	if !st.Active && st.Error == "" {
		return ""
	}
	var lines []string
	if st.Active {
		lines = append(lines, l.Tf("In force: %s", policyEffects(l, st.Policy)))
	} else {
		lines = append(lines, l.T("No policy in force."))
	}
	if st.From != "" {
		lines = append(lines, l.Tf("From %s", st.From))
	} else if st.File != "" {
		lines = append(lines, l.Tf("Policy file: %s", st.File))
	}
	if st.URL != "" {
		fetch := l.Tf("Provisioning URL: %s", st.URL)
		if !st.Fetched.IsZero() {
			fetch += " · " + l.Tf("fetched %s", policyTime(st.Fetched))
		}
		if !st.Checked.IsZero() && !st.Checked.Equal(st.Fetched) {
			fetch += " · " + l.Tf("last answered %s", policyTime(st.Checked))
		}
		lines = append(lines, fetch)
		if st.Cached {
			lines = append(lines, l.T("The URL has not answered since: its policy in force is the copy cached on this computer."))
		}
	}
	if st.Error != "" {
		lines = append(lines, l.Tf("Last error: %s", l.Msg(st.Error)))
		if st.Active {
			lines = append(lines, l.T("The last good policy stays in force."))
		}
	}
	return strings.Join(lines, "\n")
}

// policyEffects is Policy.String in the window's language.
func policyEffects(l tr, p *hooks.Policy) string {
	if p == nil {
		return l.T("no restrictions")
	}
	var parts []string
	if !p.Enabled() {
		parts = append(parts, l.T("hooks switched off"))
	}
	switch {
	case p.AllowedHosts == nil:
	case len(p.AllowedHosts) == 0:
		parts = append(parts, l.T("no host allowed"))
	default:
		parts = append(parts, l.Tf("hosts %s", strings.Join(p.AllowedHosts, ", ")))
	}
	switch n := len(p.Hooks); {
	case n == 1:
		parts = append(parts, l.T("1 managed hook"))
	case n > 1:
		parts = append(parts, l.Tf("%d managed hooks", n))
	}
	if p.Source != nil {
		parts = append(parts, l.T("call source fixed"))
	}
	if len(parts) == 0 {
		return l.T("no restrictions")
	}
	return strings.Join(parts, ", ")
}

// policyTime shows when a policy was fetched or checked.
func policyTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }
