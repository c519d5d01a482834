// Package hooks is Callhook's hook engine: the config file, the dispatcher
// that turns call events into deliveries, the SQLite journal and outbox that
// make deliveries survive outages and restarts, request signing, and the
// secrets store.
package hooks

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/callhook/callhook/call"
)

// ConfigVersion is the schema version this build reads and writes.
const ConfigVersion = 1

// Actions a hook can take.
const (
	ActionGet     = "get"
	ActionPost    = "post"
	ActionBrowser = "browser"
)

// Source modes.
const (
	SourceNone   = "none"
	SourceProxy  = "proxy"
	SourceDialog = "dialog"
)

// Config is the config file, key for key. The JSON names are a contract
// other tools rely on: see DESIGN.md.
type Config struct {
	Version     int     `json:"version"`
	Enabled     bool    `json:"enabled"`
	User        string  `json:"user,omitempty"`
	CountryCode string  `json:"country_code,omitempty"`
	Source      Source  `json:"source"`
	Queues      []Queue `json:"queues,omitempty"`
	Hooks       []Hook  `json:"hooks"`
	// DisabledManagedHooks lists the ids of hooks managed by the
	// administrator's policy that the user switched off; the policy
	// honours an id only where its hook has user_can_disable (policy.go).
	DisabledManagedHooks []string `json:"disabled_managed_hooks,omitempty"`
	// UI holds the desktop app's own settings; the CLI ignores them.
	UI UISettings `json:"ui,omitzero"`
}

// Source says where call events come from.
type Source struct {
	Mode   string       `json:"mode"`
	Proxy  ProxySource  `json:"proxy,omitzero"`
	Dialog DialogSource `json:"dialog,omitzero"`
}

// ProxySource configures the local SIP proxy.
type ProxySource struct {
	Listen    string `json:"listen,omitempty"`
	Upstream  string `json:"upstream,omitempty"`
	Transport string `json:"transport,omitempty"`
	// CAFile adds a CA (PEM) for a PBX certificate from a private CA.
	CAFile string `json:"ca_file,omitempty"`
	// LocalAddress is the local IP[:port] of the PBX leg; empty: the
	// address the route to the PBX takes.
	LocalAddress string `json:"local_address,omitempty"`
}

// DialogSource configures the RFC 4235 dialog-event subscription.
type DialogSource struct {
	Server         string   `json:"server,omitempty"`
	Transport      string   `json:"transport,omitempty"`
	Domain         string   `json:"domain,omitempty"`
	Username       string   `json:"username,omitempty"`
	PasswordSecret string   `json:"password_secret,omitempty"`
	Watch          []string `json:"watch,omitempty"`
	Expires        int      `json:"expires,omitempty"`
	CAFile         string   `json:"ca_file,omitempty"`
	LocalAddress   string   `json:"local_address,omitempty"`
}

// Queue classifies incoming calls as queue calls.
type Queue struct {
	Name          string   `json:"name"`
	Numbers       []string `json:"numbers,omitempty"`
	DisplayPrefix string   `json:"display_prefix,omitempty"`
	Header        string   `json:"header,omitempty"`
}

// Hook is one outgoing webhook.
type Hook struct {
	ID            string            `json:"id"`
	Name          string            `json:"name,omitempty"`
	Enabled       bool              `json:"enabled"`
	Triggers      []call.Trigger    `json:"triggers"`
	Action        string            `json:"action"`
	URL           string            `json:"url"`
	ContentType   string            `json:"content_type,omitempty"`
	Body          string            `json:"body,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
	Timeout       Duration          `json:"timeout,omitzero"`
	Retries       *int              `json:"retries,omitempty"`
	SigningSecret string            `json:"signing_secret,omitempty"`
}

// UISettings are the desktop app's preferences, kept in the same file so
// that one file is the whole configuration.
type UISettings struct {
	StartMinimised bool   `json:"start_minimised,omitempty"`
	StartAtLogin   bool   `json:"start_at_login,omitempty"`
	Language       string `json:"language,omitempty"` // "", "en", "de"; "" follows the system
	Notify         *bool  `json:"notify_failures,omitempty"`
}

// Duration is a time.Duration written as a Go duration string ("10s").
type Duration time.Duration

// Defaults for hook fields left out of the file.
const (
	DefaultTimeout = 10 * time.Second
	DefaultRetries = 5
	MaxTimeout     = 5 * time.Minute
	MaxRetries     = 20
)

// MarshalJSON writes d as a Go duration string ("10s").
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

// UnmarshalJSON reads a Go duration string ("10s", "1m30s").
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"10s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: want a Go duration such as \"10s\" or \"1m30s\"", s)
	}
	*d = Duration(v)
	return nil
}

// TimeoutOrDefault returns the hook's timeout, DefaultTimeout when unset.
func (h *Hook) TimeoutOrDefault() time.Duration {
	if h.Timeout <= 0 {
		return DefaultTimeout
	}
	return time.Duration(h.Timeout)
}

// ContentTypeOrDefault is the content type a POST body is sent (and
// escaped) as: DefaultContentType when the hook sets none.
func (h *Hook) ContentTypeOrDefault() string {
	if h.ContentType == "" {
		return DefaultContentType
	}
	return h.ContentType
}

// RetriesOrDefault returns the hook's retry count, DefaultRetries when
// unset. An explicit 0 means no retries.
func (h *Hook) RetriesOrDefault() int {
	if h.Retries == nil {
		return DefaultRetries
	}
	return *h.Retries
}

// Clone returns a deep copy of h: editing it never changes h.
func (h *Hook) Clone() Hook {
	c := *h
	c.Triggers = slices.Clone(h.Triggers)
	c.Headers = maps.Clone(h.Headers)
	if h.Retries != nil {
		r := *h.Retries
		c.Retries = &r
	}
	return c
}

// Clone returns a deep copy of c: the GUI edits a copy and applies it
// only once it validates.
func (c *Config) Clone() *Config {
	n := *c
	n.Source.Dialog.Watch = slices.Clone(c.Source.Dialog.Watch)
	n.DisabledManagedHooks = slices.Clone(c.DisabledManagedHooks)
	if c.Queues != nil {
		n.Queues = make([]Queue, len(c.Queues))
		for i, q := range c.Queues {
			q.Numbers = slices.Clone(q.Numbers)
			n.Queues[i] = q
		}
	}
	if c.Hooks != nil {
		n.Hooks = make([]Hook, len(c.Hooks))
		for i := range c.Hooks {
			n.Hooks[i] = c.Hooks[i].Clone()
		}
	}
	if c.UI.Notify != nil {
		v := *c.UI.Notify
		n.UI.Notify = &v
	}
	return &n
}

// Hook returns the hook with the given id, pointing into c.Hooks.
func (c *Config) Hook(id string) (*Hook, bool) {
	for i := range c.Hooks {
		if c.Hooks[i].ID == id {
			return &c.Hooks[i], true
		}
	}
	return nil, false
}

// ConfigEnv overrides the default config path.
const ConfigEnv = "CALLHOOK_CONFIG"

// Default returns the config a first start runs with: the global switch
// on, no call source, no hooks.
func Default() *Config {
	return &Config{
		Version: ConfigVersion,
		Enabled: true,
		Source:  Source{Mode: SourceNone},
		Hooks:   []Hook{},
	}
}

// DefaultPath returns $CALLHOOK_CONFIG, else
// <os.UserConfigDir>/callhook/config.json.
func DefaultPath() (string, error) {
	if p := os.Getenv(ConfigEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config dir (set %s): %w", ConfigEnv, err)
	}
	return filepath.Join(dir, "callhook", "config.json"), nil
}
