package hooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The administrator's policy: a JSON file the user cannot change, and
// optionally a provisioning URL it names, whose policy overrides the
// file's keys it sets. It switches every hook off, limits the hosts hook
// URLs may name, fixes the call source and brings managed hooks that run
// beside the user's. See DESIGN.md, "Policy".

// PolicyVersion is the policy schema version this build reads.
const PolicyVersion = 1

// PolicyEnv names a policy file to use instead of the system one (tests,
// special installs). A file it names must exist.
const PolicyEnv = "CALLHOOK_POLICY"

// DefaultPolicyPoll is how often the provisioning URL is asked for a new
// policy (with If-None-Match, so an unchanged one costs a 304).
const DefaultPolicyPoll = 15 * time.Minute

// Policy is a policy file or a provisioned policy, key for key; the JSON
// names are the contract administrators write to (DESIGN.md, "Policy").
// Every key is optional. A nil *Policy is no policy: it allows
// everything and changes nothing.
type Policy struct {
	Version int `json:"version,omitempty"`
	// HooksEnabled false switches every hook off, whatever the user's
	// switch says; true or unset leaves the user's switch in charge.
	HooksEnabled *bool `json:"hooks_enabled,omitempty"`
	// AllowedHosts limits the host of every hook URL, the user's and the
	// managed ones: "crm.example.com" is that host, "*.example.org" any
	// host under example.org. Unset (nil): any host; an empty list: none.
	AllowedHosts []string `json:"allowed_hosts"`
	// Source replaces the user's call source settings altogether.
	Source *Source `json:"source,omitempty"`
	// Hooks are the managed hooks, run beside the user's.
	Hooks []ManagedHook `json:"hooks,omitempty"`
	// ProvisioningURL (https) serves a policy that overrides this one's
	// keys it sets; read from the policy file only.
	ProvisioningURL string `json:"provisioning_url,omitempty"`
	// ProvisioningTokenSecret names the keychain secret sent as a bearer
	// token to ProvisioningURL.
	ProvisioningTokenSecret string `json:"provisioning_token_secret,omitempty"`

	// Origin says where the policy comes from (a file path, a URL), for
	// messages that name it.
	Origin string `json:"-"`
	// hostsFrom is where AllowedHosts comes from, when not Origin.
	hostsFrom string
}

// ManagedHook is a hook the policy supplies: the config's hook shape,
// "enabled" true unless the policy says otherwise, plus whether the user
// may switch it off.
type ManagedHook struct {
	Hook
	UserCanDisable bool `json:"user_can_disable,omitempty"`
}

// UnmarshalJSON reads a managed hook; a policy that leaves out
// "enabled" means the hook to run.
func (m *ManagedHook) UnmarshalJSON(b []byte) error {
	type plain ManagedHook
	p := plain{Hook: Hook{Enabled: true}}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = ManagedHook(p)
	return nil
}

// SystemPolicyPath returns where the administrator puts the policy on
// this system: /etc/callhook/policy.json on Linux and other Unixes,
// %ProgramData%\Callhook\policy.json on Windows, /Library/Application
// Support/Callhook/policy.json on macOS.
func SystemPolicyPath() string {
	switch runtime.GOOS {
	case "windows":
		dir := os.Getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return filepath.Join(dir, "Callhook", "policy.json")
	case "darwin":
		return "/Library/Application Support/Callhook/policy.json"
	}
	return "/etc/callhook/policy.json"
}

// DefaultPolicyPath returns $CALLHOOK_POLICY, which must then exist
// (required), else the system path, where no file means no policy.
func DefaultPolicyPath() (path string, required bool) {
	if p := os.Getenv(PolicyEnv); p != "" {
		return p, true
	}
	return SystemPolicyPath(), false
}

// Enabled reports whether the policy lets hooks run at all.
func (p *Policy) Enabled() bool {
	return p == nil || p.HooksEnabled == nil || *p.HooksEnabled
}

// Managed returns the managed hook with this id.
func (p *Policy) Managed(id string) (ManagedHook, bool) {
	if p == nil {
		return ManagedHook{}, false
	}
	for _, m := range p.Hooks {
		if m.ID == id {
			return m, true
		}
	}
	return ManagedHook{}, false
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	if p == nil {
		return nil
	}
	n := *p
	if p.HooksEnabled != nil {
		v := *p.HooksEnabled
		n.HooksEnabled = &v
	}
	if p.AllowedHosts != nil {
		n.AllowedHosts = slices.Clone(p.AllowedHosts)
	}
	if p.Source != nil {
		s := cloneSource(*p.Source)
		n.Source = &s
	}
	if p.Hooks != nil {
		n.Hooks = make([]ManagedHook, len(p.Hooks))
		for i, m := range p.Hooks {
			n.Hooks[i] = ManagedHook{Hook: m.Hook.Clone(), UserCanDisable: m.UserCanDisable}
		}
	}
	return &n
}

func cloneSource(s Source) Source {
	s.Dialog.Watch = slices.Clone(s.Dialog.Watch)
	return s
}

// overlay returns base with the keys over sets replaced: a provisioned
// policy over the file's. The provisioning keys stay the file's: the file
// decides where policies come from.
func overlay(base, over *Policy) *Policy {
	out := base.Clone()
	if out == nil {
		out = &Policy{}
	}
	if over == nil {
		return out
	}
	out.Origin = over.Origin
	if base != nil && base.Origin != "" && over.Origin != "" {
		out.Origin = base.Origin + " + " + over.Origin
	}
	if out.hostsFrom == "" && base != nil {
		out.hostsFrom = base.Origin
	}
	if over.Version != 0 {
		out.Version = over.Version
	}
	if over.HooksEnabled != nil {
		v := *over.HooksEnabled
		out.HooksEnabled = &v
	}
	if over.AllowedHosts != nil {
		out.AllowedHosts = slices.Clone(over.AllowedHosts)
		out.hostsFrom = over.Origin
	}
	if over.Source != nil {
		s := cloneSource(*over.Source)
		out.Source = &s
	}
	if over.Hooks != nil {
		out.Hooks = over.Clone().Hooks
	}
	return out
}

// hostsOrigin names the policy that set AllowedHosts.
func (p *Policy) hostsOrigin() string {
	if p.hostsFrom != "" {
		return p.hostsFrom
	}
	if p.Origin != "" {
		return p.Origin
	}
	return "the administrator's policy"
}

// String describes the policy's effects in one line, for status and
// config check: "hooks off, hosts crm.example.com, 1 managed hook,
// source fixed (dialog)".
func (p *Policy) String() string {
	if p == nil {
		return "none"
	}
	var parts []string
	if !p.Enabled() {
		parts = append(parts, "hooks switched off")
	}
	switch {
	case p.AllowedHosts == nil:
	case len(p.AllowedHosts) == 0:
		parts = append(parts, "no host allowed")
	default:
		parts = append(parts, "hosts "+strings.Join(p.AllowedHosts, ", "))
	}
	if n := len(p.Hooks); n == 1 {
		parts = append(parts, "1 managed hook")
	} else if n > 1 {
		parts = append(parts, fmt.Sprintf("%d managed hooks", n))
	}
	if p.Source != nil {
		parts = append(parts, "source fixed ("+orNone(p.Source.Mode)+")")
	}
	if len(parts) == 0 {
		return "no restrictions"
	}
	return strings.Join(parts, ", ")
}

func orNone(mode string) string {
	if mode == "" {
		return SourceNone
	}
	return mode
}

// PolicyStatus says which policy is in force and from where, for
// `callhook status`, `config check` and the window.
type PolicyStatus struct {
	// Active: a policy is in force.
	Active bool `json:"active"`
	// File is the policy file looked at; URL the provisioning URL it
	// names.
	File string `json:"file,omitempty"`
	URL  string `json:"url,omitempty"`
	// From names, for people, where the policy in force comes from.
	From string `json:"from,omitempty"`
	// Cached: the URL's part of the policy in force is the copy cached
	// under the data directory, the URL not having answered since.
	Cached bool `json:"cached,omitempty"`
	// Fetched is when the URL's policy in force was fetched; Checked when
	// the URL last answered (a 304 included).
	Fetched time.Time `json:"fetched,omitzero"`
	Checked time.Time `json:"checked,omitzero"`
	// Error is the last error reading the file or fetching the URL, ""
	// once they succeed again. The last good policy stays in force.
	Error string `json:"error,omitempty"`
	// Policy is the policy in force, nil when none. The window reads its
	// managed hooks and allowed hosts from it.
	Policy *Policy `json:"policy,omitempty"`
}
