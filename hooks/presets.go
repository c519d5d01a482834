package hooks

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/callhook/callhook/call"
)

// Preset is a CRM hook template: a few parameters (the user's subdomain or
// instance host, a secret's name) turn it into an ordinary Hook. Nothing
// about presets exists at run time. The JSON names are what `callhook
// hooks presets --json` prints.
type Preset struct {
	Name   string `json:"name"`
	Vendor string `json:"vendor"`
	// Action is "open contact" or "log call": what the preset is for, not
	// the hook's get/post/browser (Hook says that).
	Action string   `json:"action"`
	Params []string `json:"params"`
	// Source is the vendor documentation the URL and fields come from.
	Source string `json:"source"`
	// Available is false where the vendor documents no URL Callhook could
	// use; Note then says why, instead of a guessed URL.
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
	// Defaults are the parameters' values when left out.
	Defaults map[string]string `json:"defaults,omitempty"`

	params []PresetParam
	hook   Hook // URL, body and headers with <param> markers
}

// PresetParam is one value a preset asks for.
type PresetParam struct {
	Name    string
	Help    string
	Default string
	kind    paramKind
	choices []string // the values a paramChoice takes
}

type paramKind int

const (
	paramHost      paramKind = iota // host[:port], no scheme
	paramSubdomain                  // one DNS label
	paramSecret                     // a secret's name
	paramNumber                     // digits
	paramChoice                     // one of choices
)

// Preset actions.
const (
	PresetOpen = "open contact"
	PresetLog  = "log call"
)

// Errors FromPreset returns, wrapped with the preset and parameter.
var (
	ErrUnknownPreset     = errors.New("unknown preset")
	ErrPresetUnavailable = errors.New("preset has no documented URL")
	ErrMissingParam      = errors.New("missing parameter")
	ErrInvalidParam      = errors.New("invalid parameter")
	ErrUnknownParam      = errors.New("unknown parameter")
)

var (
	hostPattern      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)
	subdomainPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	numberPattern    = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// Presets returns every preset, available or not, sorted by vendor then
// action. The slice is a copy.
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, p := range presets {
		out[i] = p.clone()
	}
	return out
}

// LookupPreset returns the preset called name.
func LookupPreset(name string) (Preset, bool) {
	for _, p := range presets {
		if p.Name == name {
			return p.clone(), true
		}
	}
	return Preset{}, false
}

// ParamInfo describes the preset's parameters in order, for a form.
func (p Preset) ParamInfo() []PresetParam { return slices.Clone(p.params) }

func (p Preset) clone() Preset {
	c := p
	c.Params = slices.Clone(p.Params)
	c.Defaults = maps.Clone(p.Defaults)
	c.params = slices.Clone(p.params)
	for i := range c.params {
		c.params[i].choices = slices.Clone(c.params[i].choices)
	}
	c.hook = p.hook.Clone()
	return c
}

// FromPreset builds the hook preset name describes, with params filling
// its parameters (defaults where left out). The hook's ID is the preset's
// name; Config.UniqueHookID makes it unique in a config. Errors name the
// preset and the parameter to fix.
func FromPreset(name string, params map[string]string) (Hook, error) {
	p, ok := LookupPreset(name)
	if !ok {
		return Hook{}, fmt.Errorf("preset %q: %w (see `callhook hooks presets`)", name, ErrUnknownPreset)
	}
	if !p.Available {
		return Hook{}, fmt.Errorf("preset %q: %w: %s", name, ErrPresetUnavailable, p.Note)
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if !slices.Contains(p.Params, k) {
			return Hook{}, fmt.Errorf("preset %q: %w %q (it takes %s)", name, ErrUnknownParam, k, strings.Join(p.Params, ", "))
		}
	}
	values := map[string]string{}
	for _, pp := range p.params {
		v := strings.TrimSpace(params[pp.Name])
		if v == "" {
			v = pp.Default
		}
		if v == "" {
			return Hook{}, fmt.Errorf("preset %q: %w %s: %s", name, ErrMissingParam, pp.Name, pp.Help)
		}
		v, err := pp.check(v)
		if err != nil {
			return Hook{}, fmt.Errorf("preset %q: %w %s=%q: %v", name, ErrInvalidParam, pp.Name, params[pp.Name], err)
		}
		values[pp.Name] = v
	}
	h := p.hook.Clone()
	fill := func(s string) string {
		for k, v := range values {
			s = strings.ReplaceAll(s, "<"+k+">", v)
		}
		return s
	}
	h.ID = p.Name
	h.Enabled = true
	h.URL = fill(h.URL)
	h.Body = fill(h.Body)
	for k, v := range h.Headers {
		h.Headers[k] = fill(v)
	}
	return h, nil
}

// check validates a parameter value and returns it cleaned up. The
// patterns admit no "{", "<", "/" or "@", so a value can neither add a
// placeholder nor move the request to another host.
func (pp PresetParam) check(v string) (string, error) {
	switch pp.kind {
	case paramHost:
		v = strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://")
		v = strings.TrimSuffix(v, "/")
		if !hostPattern.MatchString(v) {
			return "", errors.New("want a host name such as example.com, without path")
		}
	case paramSubdomain:
		if !subdomainPattern.MatchString(v) {
			return "", errors.New("want only the subdomain: letters, digits and -")
		}
	case paramSecret:
		if !ValidSecretName(v) {
			return "", errors.New("a secret name may contain only letters, digits, - and _")
		}
	case paramNumber:
		if !numberPattern.MatchString(v) {
			return "", errors.New("want digits only")
		}
	case paramChoice:
		v = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(v, "https://"), "/"))
		if !slices.Contains(pp.choices, v) {
			return "", errors.New("want one of " + strings.Join(pp.choices, ", "))
		}
	}
	return v, nil
}

// UniqueHookID returns base, or base-2, base-3, ... when base is taken.
func (c *Config) UniqueHookID(base string) string {
	id := base
	for n := 2; ; n++ {
		if _, taken := c.Hook(id); !taken {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}

// logTriggers are when a "log call" preset fires: an incoming call has
// ended, answered or not; each body writes {outcome} in its CRM's words.
// Outgoing calls would need the direction in each CRM's words too
// ({direction|map:...}) and the numbers the other way round; the presets
// log incoming calls only.
var logTriggers = []call.Trigger{call.IncomingHangup, call.QueueHangup}
