package hooks

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

// writePolicy writes a policy file into a fresh directory.
func writePolicy(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const filePolicy = `{
  "version": 1,
  "hooks_enabled": false,
  "allowed_hosts": ["crm.example.com", "*.example.org"],
  "source": {"mode": "dialog", "dialog": {"server": "pbx.example.com:5061", "transport": "tls", "watch": ["1002"]}},
  "hooks": [{"id": "crm", "triggers": ["incoming.answer"], "action": "browser",
             "url": "https://crm.example.com/search?phone={remote|e164}", "user_can_disable": true}]
}`

// The policy file's every effect on the user's config: the kill switch,
// the source, the managed hook (replacing the user's of that id), and
// the host check naming hook, host and policy.
func TestPolicyFileEffects(t *testing.T) {
	path := writePolicy(t, filePolicy)
	w := NewPolicyWatcher(PolicyOptions{Path: path, Log: discardLogger()})
	p := w.Load()
	if p == nil {
		t.Fatalf("no policy from %s: %s", path, w.Status().Error)
	}
	user := testConfig(
		Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: "https://crm.example.com/mine"},
		Hook{ID: "log", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup}, Action: ActionGet, URL: "https://logs.example.net/x"},
		Hook{ID: "wiki", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup}, Action: ActionGet, URL: "https://wiki.example.org/x"},
	)
	user.Source = Source{Mode: SourceProxy, Proxy: ProxySource{Listen: "127.0.0.1:5070", Upstream: "mine.example.com"}}
	before := user.Clone()

	eff := p.Apply(user)
	if eff.Enabled {
		t.Error("hooks_enabled false: the config in force still has hooks on")
	}
	if eff.Source.Mode != SourceDialog || eff.Source.Dialog.Server != "pbx.example.com:5061" || eff.Source.Proxy.Listen != "" {
		t.Errorf("source in force %+v, want the policy's dialog source alone", eff.Source)
	}
	var ids []string
	for _, h := range eff.Hooks {
		ids = append(ids, h.ID)
	}
	if want := []string{"log", "wiki", "crm"}; !slices.Equal(ids, want) {
		t.Errorf("hooks in force %v, want %v", ids, want)
	}
	if h, _ := eff.Hook("crm"); h.Action != ActionBrowser || !h.Enabled {
		t.Errorf("crm in force is %+v, want the managed browser hook, on (no \"enabled\" in the policy)", h)
	}
	if !equalConfigs(user, before) {
		t.Error("Apply changed the user's config")
	}

	probs := user.PolicyProblems(p)
	if len(probs) != 2 {
		t.Fatalf("problems %v, want the id clash and logs.example.net", probs)
	}
	for _, want := range []string{`hooks[crm].id: "crm" is the id of a hook managed by the policy ` + path,
		`hooks[log].url: host "logs.example.net" is not in allowed_hosts of the policy ` + path} {
		if !slices.ContainsFunc(probs, func(p Problem) bool { return strings.HasPrefix(p.String(), want) }) {
			t.Errorf("no problem %q in\n%v", want, probs)
		}
	}
	err := user.ValidateWith(p)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Errorf("ValidateWith: %v, want the two policy problems", err)
	}
	if err := user.ValidateWith(nil); err != nil {
		t.Errorf("ValidateWith(nil) on a valid config: %v", err)
	}
}

func equalConfigs(a, b *Config) bool {
	if len(a.Hooks) != len(b.Hooks) || a.Enabled != b.Enabled || a.Source.Mode != b.Source.Mode {
		return false
	}
	for i := range a.Hooks {
		if a.Hooks[i].ID != b.Hooks[i].ID || a.Hooks[i].URL != b.Hooks[i].URL {
			return false
		}
	}
	return true
}

// A policy is read as strictly as the config: every unknown key and
// mistyped value, with line and JSON path; then validated.
func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string // substrings of the error; none: valid
	}{
		{name: "example from DESIGN", body: filePolicy},
		{name: "empty object", body: `{}`},
		{name: "unknown key", body: `{"hook_enabled": false}`, want: []string{"line 1, column 2", `hook_enabled: unknown key (did you mean "hooks_enabled"?)`}},
		{name: "wrong type", body: `{"hooks_enabled": "no"}`, want: []string{"hooks_enabled: want true or false"}},
		{name: "unknown key in a managed hook", body: `{"hooks": [{"id": "a", "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/", "tmeout": "5s"}]}`,
			want: []string{`hooks[0].tmeout: unknown key (did you mean "timeout"?)`}},
		{name: "user_can_disable not a bool", body: `{"hooks": [{"id": "a", "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/", "user_can_disable": "yes"}]}`,
			want: []string{"hooks[0].user_can_disable: want true or false"}},
		{name: "not an object", body: `[]`, want: []string{"must be a JSON object"}},
		{name: "syntax", body: "{\n  \"version\": 1,\n}", want: []string{"line 3"}},
		{name: "version", body: `{"version": 2}`, want: []string{"version: must be 1, not 2"}},
		{name: "host with scheme", body: `{"allowed_hosts": ["https://crm.example.com/"]}`, want: []string{`allowed_hosts[0]: "https://crm.example.com/": write the host only, e.g. crm.example.com`}},
		{name: "host with port", body: `{"allowed_hosts": ["crm.example.com:443"]}`, want: []string{"allowed_hosts[0]", "without a port"}},
		{name: "wildcard inside", body: `{"allowed_hosts": ["crm.*.example.com"]}`, want: []string{"a wildcard may only begin the entry"}},
		{name: "bare wildcard", body: `{"allowed_hosts": ["*."]}`, want: []string{"name a host"}},
		{name: "IP hosts", body: `{"allowed_hosts": ["127.0.0.1", "::1", "[fd00::5]", "localhost"]}`},
		{name: "plain http provisioning", body: `{"provisioning_url": "http://admin.example.com/policy.json"}`, want: []string{"provisioning_url", "must be an https URL"}},
		{name: "token without url", body: `{"provisioning_token_secret": "prov"}`, want: []string{"provisioning_token_secret: is sent to provisioning_url, which is not set"}},
		{name: "bad managed hook", body: `{"hooks": [{"id": "a", "triggers": [], "action": "get", "url": "https://a.example.com/"}, {"id": "a", "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/"}]}`,
			want: []string{"hooks[a].triggers: needs at least one trigger", `hooks[1].id: "a" is used by another managed hook`}},
		{name: "bad source", body: `{"source": {"mode": "dialog", "dialog": {"server": "pbx.example.com"}}}`, want: []string{"source.dialog.watch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tc.body), "/etc/callhook/policy.json")
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("valid policy refused: %v", err)
				}
				if p.Origin != "/etc/callhook/policy.json" {
					t.Errorf("origin %q", p.Origin)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error with %q", tc.want)
			}
			for _, w := range append(tc.want, "/etc/callhook/policy.json") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// CheckURL is what the editor calls as the URL is typed; config check
// and delivery use the same rule.
func TestPolicyCheckURL(t *testing.T) {
	p := &Policy{AllowedHosts: []string{"localhost", "*.example.org", "CRM.Example.com"}, Origin: "/etc/callhook/policy.json"}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://localhost:8080/x?n={remote}", true},
		{"https://LOCALHOST./", true},
		{"https://crm.example.com/search", true},
		{"https://a.example.org/", true},
		{"https://a.b.example.org/", true},
		{"https://user:{secret.pw}@a.example.org/", true},
		{"https://example.org/", false},
		{"https://evilexample.org/", false},
		{"https://a.example.org.evil.net/", false},
		{"https://evil.net/?h=localhost", false},
		{"https://localhost@evil.net/", false},
		{"http://127.0.0.1:8080/", false},
		{"not a url", false},
	} {
		err := p.CheckURL(tc.url)
		if tc.ok && err != nil {
			t.Errorf("%s refused: %v", tc.url, err)
		}
		if !tc.ok {
			if !errors.Is(err, ErrHostNotAllowed) {
				t.Errorf("%s: %v, want ErrHostNotAllowed", tc.url, err)
			} else if !strings.Contains(err.Error(), "/etc/callhook/policy.json") {
				t.Errorf("%s: the error does not name the policy: %v", tc.url, err)
			}
		}
	}
	err := p.CheckURL("http://127.0.0.1:8080/")
	var he *HostError
	if !errors.As(err, &he) || he.Host != "127.0.0.1" || he.Policy != "/etc/callhook/policy.json" ||
		err.Error() != `host "127.0.0.1" is not in allowed_hosts of the policy /etc/callhook/policy.json (allowed: localhost, *.example.org, CRM.Example.com)` {
		t.Errorf("the refusal does not name the host, the policy and the allowed hosts: %v", err)
	}
	for name, open := range map[string]*Policy{"no policy": nil, "no allowed_hosts": {HooksEnabled: new(false)}} {
		if err := open.CheckURL("https://anything.example.net/"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := (&Policy{AllowedHosts: []string{}}).CheckURL("https://crm.example.com/"); !errors.Is(err, ErrHostNotAllowed) ||
		!strings.Contains(err.Error(), "allowed: none") {
		t.Errorf("an empty allowed_hosts allows no host: %v", err)
	}
}

// The user may switch a managed hook off only where the policy says so;
// the window reads the states from ManagedHooks.
func TestManagedHookSwitches(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"hooks": [
  {"id": "locked", "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/"},
  {"id": "optional", "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/", "user_can_disable": true},
  {"id": "parked", "enabled": false, "triggers": ["incoming.ring"], "action": "get", "url": "https://a.example.com/", "user_can_disable": true}]}`), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	c := testConfig()
	if err := c.SetManagedHookOff(p, "locked", true); !errors.Is(err, ErrManagedHookLocked) {
		t.Errorf("switching off a locked managed hook: %v, want ErrManagedHookLocked", err)
	}
	if err := c.SetManagedHookOff(p, "nope", true); !errors.Is(err, ErrNotManaged) {
		t.Errorf("switching off an unknown managed hook: %v, want ErrNotManaged", err)
	}
	if err := c.SetManagedHookOff(p, "optional", true); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.DisabledManagedHooks, []string{"optional"}) {
		t.Errorf("disabled_managed_hooks %v", c.DisabledManagedHooks)
	}
	// A hand-edited file may list the locked one too: it runs all the same.
	c.DisabledManagedHooks = append(c.DisabledManagedHooks, "locked")
	states := p.ManagedHooks(c)
	want := []ManagedHookState{
		{UserCanDisable: false, UserDisabled: true, Runs: true},
		{UserCanDisable: true, UserDisabled: true, Runs: false},
		{UserCanDisable: true, UserDisabled: false, Runs: false},
	}
	for i, s := range states {
		if s.Hook.ID != p.Hooks[i].ID {
			t.Errorf("state %d is of hook %q, want %q", i, s.Hook.ID, p.Hooks[i].ID)
		}
		s.Hook = Hook{}
		if !reflect.DeepEqual(s, want[i]) {
			t.Errorf("%s: %+v, want %+v", p.Hooks[i].ID, s, want[i])
		}
	}
	if w := c.PolicyWarnings(p); len(w) != 1 || !strings.Contains(w[0].String(), `managed hook "locked" stays on`) {
		t.Errorf("warnings %v, want one saying locked stays on", w)
	}
	if err := c.SetManagedHookOff(p, "optional", false); err != nil || slices.Contains(c.DisabledManagedHooks, "optional") {
		t.Errorf("switching optional on again: %v, list %v", err, c.DisabledManagedHooks)
	}
	c.DisabledManagedHooks = []string{"no way"}
	if probs := c.PolicyProblems(nil); len(probs) != 1 || probs[0].Field != "disabled_managed_hooks[0]" {
		t.Errorf("an invalid id in disabled_managed_hooks: %v", probs)
	}
}

// The user's switches for managed hooks live in the config file and
// survive a save and a load.
func TestDisabledManagedHooksRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	c := testConfig()
	c.DisabledManagedHooks = []string{"crm"}
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.DisabledManagedHooks, []string{"crm"}) {
		t.Errorf("loaded disabled_managed_hooks %v", got.DisabledManagedHooks)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"disabled_managed_hooks": [`) {
		t.Errorf("the file does not carry disabled_managed_hooks:\n%s", b)
	}
}
