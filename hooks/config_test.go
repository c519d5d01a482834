package hooks_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// updateGolden rewrites golden files; an environment variable rather than
// a flag, so that it cannot clash with flags of the package's other tests.
var updateGolden = os.Getenv("CALLHOOK_UPDATE_GOLDEN") != ""

func loadValid(t *testing.T) *hooks.Config {
	t.Helper()
	c, err := hooks.Load(filepath.Join("testdata", "config", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadValid(t *testing.T) {
	c := loadValid(t)
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.Source.Proxy.Upstream != "pbx.example.com:5060" || len(c.Queues) != 1 || len(c.Hooks) != 2 {
		t.Fatalf("loaded %+v", c)
	}
	h, ok := c.Hook("log")
	if !ok {
		t.Fatal("no hook log")
	}
	if h.TimeoutOrDefault() != 10*time.Second || h.RetriesOrDefault() != 8 || h.Headers["Authorization"] != "Bearer {secret.crm}" {
		t.Errorf("hook log %+v", h)
	}
	crm, _ := c.Hook("crm")
	if crm.TimeoutOrDefault() != hooks.DefaultTimeout || crm.RetriesOrDefault() != hooks.DefaultRetries {
		t.Errorf("defaults %v %v", crm.TimeoutOrDefault(), crm.RetriesOrDefault())
	}
	if _, ok := c.Hook("nope"); ok {
		t.Error("found a hook that does not exist")
	}
	if c.UI.Notify == nil || *c.UI.Notify || c.UI.Language != "de" {
		t.Errorf("ui %+v", c.UI)
	}
}

func TestLoadErrors(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "config", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"unknown key in hook names its path", `{"version":1,"hooks":[{"id":"a"},{"id":"b","tmeout":"1s"}]}`, `hooks[1].tmeout: unknown key (did you mean "timeout"?)`},
		{"unknown top-level key", `{"version":1,"hoks":[]}`, `hoks: unknown key (did you mean "hooks"?)`},
		{"unknown key in source", `{"source":{"mode":"proxy","proxy":{"listen":"x","upstreem":"y"}}}`, "source.proxy.upstreem: unknown key"},
		{"wrong case key", `{"Version":1}`, `Version: unknown key (did you mean "version"?)`},
		{"unknown key far from any", `{"zzzzzzzz":1}`, "zzzzzzzz: unknown key\n"},
		{"unknown key in ui", `{"ui":{"theme":"dark"}}`, "ui.theme: unknown key"},
		{"string for number", `{"version":"1"}`, `version: want a whole number, not a string "1"`},
		{"fraction for number", `{"hooks":[{"retries":1.5}]}`, "hooks[0].retries: want a whole number, not the number 1.5"},
		{"number for string", `{"user":7}`, "user: want a string, not the number 7"},
		{"object for list", `{"hooks":{}}`, "hooks: want a list, not an object"},
		{"number for trigger", `{"hooks":[{"triggers":[1]}]}`, "hooks[0].triggers[0]: want a trigger name"},
		{"string for bool", `{"enabled":"yes"}`, "enabled: want true or false"},
		{"header value number", `{"hooks":[{"headers":{"X-A":1}}]}`, `hooks[0].headers["X-A"]: want a string`},
		{"bad duration", `{"hooks":[{"timeout":"10 seconds"}]}`, `hooks[0].timeout: "10 seconds" is not a duration`},
		{"number duration", `{"hooks":[{"timeout":10}]}`, `hooks[0].timeout: want a duration such as "10s", not the number 10`},
		{"syntax error names line and column", "{\n  \"version\": 1,\n  \"enabled\" true\n}", "line 3, column 13"},
		{"trailing comma", "{\"version\": 1,}", "line 1, column 15"},
		{"trailing data", `{"version":1} {}`, "unexpected data after the top-level object"},
		{"empty file", "", "empty or ends early"},
		{"truncated", string(valid[:40]), "empty or ends early"},
		{"not an object", `[1]`, "must be a JSON object"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("c%d.json", i))
			if err := os.WriteFile(p, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := hooks.Load(p)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error()+"\n", tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), p+": ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestLoadGolden pins Load's report of a file with several unknown keys
// and mistyped values: all of them, in file order, each with its line.
func TestLoadGolden(t *testing.T) {
	_, err := hooks.Load(filepath.Join("testdata", "config", "bad_keys.json"))
	if err == nil {
		t.Fatal("Load succeeded")
	}
	checkGolden(t, filepath.Join("testdata", "config", "bad_keys.golden"), []byte(err.Error()+"\n"))
}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if updateGolden {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (CALLHOOK_UPDATE_GOLDEN=1 go test ./hooks -run Golden)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output changed; got:\n%s", got)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := hooks.Load(filepath.Join(t.TempDir(), "nope", "config.json"))
	if !errors.Is(err, fs.ErrNotExist) || !hooks.IsNotExist(err) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

// TestValidateGolden pins the full problem list of a config with many
// mistakes: every problem at once, each named by path.
func TestValidateGolden(t *testing.T) {
	c, err := hooks.Load(filepath.Join("testdata", "config", "invalid.json"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	var ve *hooks.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	var got bytes.Buffer
	for _, p := range ve.Problems {
		fmt.Fprintf(&got, "%s\t[hook=%s field=%s]\n", p, p.Hook, p.Field)
	}
	checkGolden(t, filepath.Join("testdata", "config", "invalid.golden"), got.Bytes())
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *hooks.Config)
		want   string // "" means valid
	}{
		{"valid as is", func(c *hooks.Config) {}, ""},
		{"source none needs nothing", func(c *hooks.Config) { c.Source = hooks.Source{Mode: hooks.SourceNone} }, ""},
		{"empty source mode is none", func(c *hooks.Config) { c.Source = hooks.Source{} }, ""},
		{"dialog mode valid", func(c *hooks.Config) { c.Source.Mode = hooks.SourceDialog }, ""},
		{"no retries is valid", func(c *hooks.Config) { zero := 0; c.Hooks[1].Retries = &zero }, ""},
		{"get with header", func(c *hooks.Config) {
			c.Hooks[1].Action = hooks.ActionGet
			c.Hooks[1].Body = ""
			c.Hooks[1].ContentType = ""
		}, ""},
		{"secret in userinfo of post", func(c *hooks.Config) { c.Hooks[1].URL = "https://api:{secret.k}@crm.example.com/x" }, ""},
		{"wrong version", func(c *hooks.Config) { c.Version = 0 }, "version: must be 1, not 0"},
		{"country code with plus", func(c *hooks.Config) { c.CountryCode = "+49" }, "country_code: must be"},
		{"unknown language", func(c *hooks.Config) { c.UI.Language = "fr" }, "ui.language:"},
		{"unknown source mode", func(c *hooks.Config) { c.Source.Mode = "sniff" }, `source.mode: must be none, proxy or dialog, not "sniff"`},
		{"proxy without listen", func(c *hooks.Config) { c.Source.Proxy.Listen = "" }, "source.proxy.listen: the address to listen on for softphones is required in proxy mode (host:port, e.g. 127.0.0.1:5070)"},
		{"proxy listen without port", func(c *hooks.Config) { c.Source.Proxy.Listen = "127.0.0.1" }, `source.proxy.listen: "127.0.0.1": the port is missing (e.g. 127.0.0.1:5070)`},
		{"proxy without upstream", func(c *hooks.Config) { c.Source.Proxy.Upstream = "" }, "source.proxy.upstream: the PBX address is required in proxy mode (host or host:port, e.g. pbx.example.com:5060)"},
		{"proxy upstream with path", func(c *hooks.Config) { c.Source.Proxy.Upstream = "sip://pbx/x" }, `source.proxy.upstream: "sip://pbx/x": leave out sip:// and /x (write pbx)`},
		{"proxy upstream port out of range", func(c *hooks.Config) { c.Source.Proxy.Upstream = "pbx.example.com:99999" }, `source.proxy.upstream: "pbx.example.com:99999": port 99999 is out of range (1-65535)`},
		{"proxy listen port out of range", func(c *hooks.Config) { c.Source.Proxy.Listen = "127.0.0.1:70000" }, `source.proxy.listen: "127.0.0.1:70000": port 70000 is out of range (0-65535)`},
		{"proxy tls transport", func(c *hooks.Config) { c.Source.Proxy.Transport = "tls" }, ""},
		{"proxy sctp transport", func(c *hooks.Config) { c.Source.Proxy.Transport = "sctp" }, `source.proxy.transport: must be udp, tcp or tls, not "sctp"`},
		{"dialog without watch", func(c *hooks.Config) { c.Source.Mode = hooks.SourceDialog; c.Source.Dialog.Watch = nil }, "source.dialog.watch: at least one extension to watch is required in dialog mode (e.g. 1002)"},
		{"dialog expires too long", func(c *hooks.Config) { c.Source.Mode = hooks.SourceDialog; c.Source.Dialog.Expires = 90000 }, "source.dialog.expires:"},
		{"dialog bad password secret", func(c *hooks.Config) { c.Source.Mode = hooks.SourceDialog; c.Source.Dialog.PasswordSecret = "a b" }, "source.dialog.password_secret:"},
		{"queue without rule", func(c *hooks.Config) { c.Queues[0] = hooks.Queue{Name: "Support"} }, "queues[0].numbers: a queue needs"},
		{"queue duplicate", func(c *hooks.Config) { c.Queues = append(c.Queues, c.Queues[0]) }, `queues[1].name: "Support" is used by another queue`},
		{"missing id", func(c *hooks.Config) { c.Hooks[0].ID = "" }, "hooks[0].id: is required"},
		{"duplicate id", func(c *hooks.Config) { c.Hooks[1].ID = "crm" }, `hooks[1].id: "crm" is used by another hook`},
		{"id with space", func(c *hooks.Config) { c.Hooks[0].ID = "my hook" }, `hooks[0].id: "my hook" may contain only`},
		{"no triggers", func(c *hooks.Config) { c.Hooks[0].Triggers = nil }, "hooks[crm].triggers: needs at least one trigger"},
		{"unknown trigger", func(c *hooks.Config) { c.Hooks[0].Triggers[0] = "incoming.pickup" }, `hooks[crm].triggers[0]: "incoming.pickup" is not a trigger`},
		{"unknown action", func(c *hooks.Config) { c.Hooks[0].Action = "open" }, "hooks[crm].action: must be get, post or browser"},
		{"missing url", func(c *hooks.Config) { c.Hooks[0].URL = "" }, "hooks[crm].url: is required"},
		{"placeholder in host", func(c *hooks.Config) { c.Hooks[0].URL = "https://{remote}.example.com/" }, "hooks[crm].url: {remote} at offset 8: placeholders are not allowed in the URL's host"},
		{"placeholder in scheme", func(c *hooks.Config) { c.Hooks[0].URL = "{trigger}://crm.example.com/" }, "URL's scheme"},
		{"file url", func(c *hooks.Config) { c.Hooks[0].URL = "file:///etc/passwd" }, "hooks[crm].url:"},
		{"unknown placeholder in url", func(c *hooks.Config) { c.Hooks[0].URL = "https://crm.example.com/?q={phone}" }, "{phone} at offset 27: unknown placeholder"},
		{"unknown filter", func(c *hooks.Config) { c.Hooks[0].URL = "https://crm.example.com/?q={remote|intl}" }, `unknown filter "intl"`},
		{"secret in query", func(c *hooks.Config) { c.Hooks[1].URL = "https://crm.example.com/?k={secret.crm}" }, "hooks[log].url: {secret.crm} at offset 27: secrets are allowed only"},
		{"secret in browser url", func(c *hooks.Config) { c.Hooks[0].URL = "https://u:{secret.crm}@crm.example.com/" }, "hooks[crm].url: {secret.crm} at offset 10: a browser URL may carry secrets only in its query"},
		{"body on browser hook", func(c *hooks.Config) { c.Hooks[0].Body = "x" }, "hooks[crm].body: only a post hook sends a body"},
		{"content type on get", func(c *hooks.Config) { c.Hooks[1].Action = hooks.ActionGet; c.Hooks[1].Body = "" }, "hooks[log].content_type: only a post hook"},
		{"body without content type is json", func(c *hooks.Config) { c.Hooks[1].ContentType = "" }, ""},
		{"body without content type must be json", func(c *hooks.Config) { c.Hooks[1].ContentType = ""; c.Hooks[1].Body = "a={caller}" }, "not valid JSON"},
		{"bad content type", func(c *hooks.Config) { c.Hooks[1].ContentType = "json" }, `hooks[log].content_type: "json" is not a media type`},
		{"invalid json body", func(c *hooks.Config) { c.Hooks[1].Body = `{"caller":{caller},}` }, "hooks[log].body: offset 19: not valid JSON"},
		{"two json values", func(c *hooks.Config) { c.Hooks[1].Body = `{"a":{caller} {callee}}` }, "not valid JSON"},
		{"bad placeholder in form body", func(c *hooks.Config) {
			c.Hooks[1].ContentType = "application/x-www-form-urlencoded"
			c.Hooks[1].Body = "a={Caller}"
		}, "hooks[log].body: {Caller} at offset 2"},
		{"bad header name", func(c *hooks.Config) { c.Hooks[1].Headers["X Bad"] = "1" }, `hooks[log].headers["X Bad"]: "X Bad" is not a valid header name`},
		{"header value with newline", func(c *hooks.Config) { c.Hooks[1].Headers["X-A"] = "a\r\nX-B: 1" }, `hooks[log].headers["X-A"]: contains control characters`},
		{"header value bad placeholder", func(c *hooks.Config) { c.Hooks[1].Headers["X-A"] = "{secret}" }, `hooks[log].headers["X-A"]: {secret} at offset 0: needs a name`},
		{"reserved header", func(c *hooks.Config) { c.Hooks[1].Headers["webhook-signature"] = "x" }, "is set by Callhook itself"},
		{"headers on browser hook", func(c *hooks.Config) { c.Hooks[0].Headers = map[string]string{"X-A": "1"} }, "hooks[crm].headers: a browser hook cannot send headers"},
		{"negative timeout", func(c *hooks.Config) { c.Hooks[1].Timeout = hooks.Duration(-time.Second) }, "hooks[log].timeout: must be positive"},
		{"timeout too long", func(c *hooks.Config) { c.Hooks[1].Timeout = hooks.Duration(6 * time.Minute) }, "hooks[log].timeout: must be positive and at most 5m0s, not 6m0s"},
		{"too many retries", func(c *hooks.Config) { r := 21; c.Hooks[1].Retries = &r }, "hooks[log].retries: must be 0 to 20, not 21"},
		{"negative retries", func(c *hooks.Config) { r := -1; c.Hooks[1].Retries = &r }, "hooks[log].retries:"},
		{"bad signing secret", func(c *hooks.Config) { c.Hooks[1].SigningSecret = "whsec_abc/+=" }, `hooks[log].signing_secret: "whsec_abc/+=" may contain only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkOneProblem(t, tt.mutate, tt.want) })
	}
}

func TestWarnings(t *testing.T) {
	c := loadValid(t)
	c.Hooks[0].URL = "https://crm.example.com/?d={duration}&q={queue}"
	c.Hooks[1].Headers["X-Answered"] = "{answer}"
	got := c.Warnings()
	want := []string{
		"hooks[crm].url: {duration} is always empty on incoming.answer, queue.answer",
		"hooks[crm].url: {queue} is always empty on incoming.answer",
	}
	var strs []string
	for _, p := range got {
		strs = append(strs, p.String())
	}
	if !reflect.DeepEqual(strs, want) {
		t.Errorf("Warnings = %q\nwant %q", strs, want)
	}
	if got[0].Hook != "crm" || got[0].Field != "url" {
		t.Errorf("problem %+v", got[0])
	}
	if w := loadValid(t).Warnings(); len(w) != 0 {
		t.Errorf("valid example warns: %v", w)
	}
}

func TestDefault(t *testing.T) {
	c := hooks.Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Version != hooks.ConfigVersion || !c.Enabled || c.Source.Mode != hooks.SourceNone || c.Hooks == nil || len(c.Hooks) != 0 {
		t.Errorf("Default = %+v", c)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(hooks.ConfigEnv, "/tmp/x/callhook.json")
	if p, err := hooks.DefaultPath(); err != nil || p != "/tmp/x/callhook.json" {
		t.Errorf("with env: %q, %v", p, err)
	}
	t.Setenv(hooks.ConfigEnv, "")
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	p, err := hooks.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := os.UserConfigDir()
	if p != filepath.Join(dir, "callhook", "config.json") {
		t.Errorf("DefaultPath = %q", p)
	}
}

func TestDurationJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr string
	}{
		{"seconds", `"10s"`, 10 * time.Second, ""},
		{"compound", `"1m30s"`, 90 * time.Second, ""},
		{"milliseconds", `"250ms"`, 250 * time.Millisecond, ""},
		{"no unit", `"10"`, 0, `duration "10"`},
		{"number", `10`, 0, "duration 10"},
		{"garbage", `"soon"`, 0, `duration "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d hooks.Duration
			err := d.UnmarshalJSON([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || time.Duration(d) != tt.want {
				t.Fatalf("got %v, %v", time.Duration(d), err)
			}
			out, _ := d.MarshalJSON()
			var back hooks.Duration
			if err := back.UnmarshalJSON(out); err != nil || back != d {
				t.Errorf("marshal %s does not read back", out)
			}
		})
	}
}

func TestClone(t *testing.T) {
	c := loadValid(t)
	n := c.Clone()
	if !reflect.DeepEqual(c, n) {
		t.Fatal("clone differs")
	}
	n.Hooks[1].Headers["X-New"] = "1"
	n.Hooks[1].Triggers[0] = call.OutgoingStart
	*n.Hooks[1].Retries = 1
	n.Queues[0].Numbers[0] = "999"
	n.Source.Dialog.Watch[0] = "999"
	*n.UI.Notify = true
	n.Hooks = append(n.Hooks, hooks.Hook{ID: "x"})
	if !reflect.DeepEqual(c, loadValid(t)) {
		t.Error("editing the clone changed the original")
	}
	h := c.Hooks[1].Clone()
	h.Headers["Authorization"] = "x"
	if c.Hooks[1].Headers["Authorization"] == "x" {
		t.Error("Hook.Clone shares headers")
	}
}

func ExampleLoad() {
	c, err := hooks.Load("testdata/config/valid.json")
	if errors.Is(err, fs.ErrNotExist) {
		c = hooks.Default() // first start: run with defaults
	} else if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range c.Hooks {
		fmt.Println(h.ID, h.Action, h.Triggers)
	}
	// Output:
	// crm browser [incoming.answer queue.answer]
	// log post [incoming.hangup]
}

// FuzzLoad feeds arbitrary files to Load: it must never panic, and a file
// it accepts and Validate passes must survive Save and Load unchanged.
func FuzzLoad(f *testing.F) {
	valid, err := os.ReadFile(filepath.Join("testdata", "config", "valid.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(`{"version":1,"hooks":[{"id":"a","tmeout":"1s"}]}`))
	f.Add([]byte(`{"hooks":[{"timeout":"1h","retries":3}]}`))
	f.Add([]byte(`[`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := hooks.Load(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c.Validate() != nil {
			return
		}
		out := filepath.Join(dir, "out.json")
		if err := hooks.Save(out, c); err != nil {
			t.Fatal(err)
		}
		back, err := hooks.Load(out)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalize(c), normalize(back)) {
			t.Fatalf("round trip changed\n%+v\n%+v", c, back)
		}
	})
}

// normalize maps empty collections to nil: omitempty cannot tell them
// apart in the file.
func normalize(c *hooks.Config) *hooks.Config {
	n := c.Clone()
	if len(n.Queues) == 0 {
		n.Queues = nil
	}
	for i := range n.Queues {
		if len(n.Queues[i].Numbers) == 0 {
			n.Queues[i].Numbers = nil
		}
	}
	if len(n.Source.Dialog.Watch) == 0 {
		n.Source.Dialog.Watch = nil
	}
	for i := range n.Hooks {
		if len(n.Hooks[i].Headers) == 0 {
			n.Hooks[i].Headers = nil
		}
		if len(n.Hooks[i].Triggers) == 0 {
			n.Hooks[i].Triggers = nil
		}
	}
	if len(n.Hooks) == 0 {
		n.Hooks = nil
	}
	return n
}

// checkOneProblem applies mutate to the valid example config and checks
// that Validate reports exactly one problem containing want, or none
// when want is empty.
func checkOneProblem(t *testing.T, mutate func(*hooks.Config), want string) {
	t.Helper()
	c := loadValid(t)
	mutate(c)
	err := c.Validate()
	if want == "" {
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		return
	}
	var ve *hooks.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	if len(ve.Problems) != 1 {
		t.Errorf("%d problems, want 1: %v", len(ve.Problems), err)
	}
	if !strings.Contains(ve.Problems[0].String(), want) {
		t.Errorf("problem %q\ndoes not contain %q", ve.Problems[0], want)
	}
}
