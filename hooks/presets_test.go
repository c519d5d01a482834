package hooks

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// presetParams are sample parameters for every available preset.
var presetParams = map[string]map[string]string{
	"hubspot-log":    {},
	"salesforce-log": {"instance": "acme.my.salesforce.com"},
	"dynamics-log":   {"org": "acme.crm4.dynamics.com"},
	"zendesk-log":    {"subdomain": "acme", "app_id": "735264019863524"},
	"freshdesk-log":  {"domain": "acme"},
	"zoho-log":       {"api_domain": "www.zohoapis.eu"},
	"pipedrive-log":  {"company": "acme"},
}

// presetWant is what each available preset must request, as its vendor
// documents: host, path, and the JSON field that carries the number.
var presetWant = map[string]struct {
	host, path string
	number     []string // path into the JSON body
	secret     string   // where the token goes: a header name or "userinfo"
}{
	"hubspot-log":    {"api.hubapi.com", "/crm/v3/objects/calls", []string{"properties", "hs_call_from_number"}, "Authorization"},
	"salesforce-log": {"acme.my.salesforce.com", "/services/data/v62.0/sobjects/Task", []string{"Subject"}, "Authorization"},
	"dynamics-log":   {"acme.crm4.dynamics.com", "/api/data/v9.2/phonecalls", []string{"phonenumber"}, "Authorization"},
	"zendesk-log":    {"acme.zendesk.com", "/api/v2/calls", []string{"from_line"}, "Authorization"},
	"freshdesk-log":  {"acme.freshdesk.com", "/api/v2/tickets", []string{"phone"}, "userinfo"},
	"zoho-log":       {"www.zohoapis.eu", "/crm/v8/Calls", []string{"data", "0", "Subject"}, "Authorization"},
	"pipedrive-log":  {"acme.pipedrive.com", "/api/v1/callLogs", []string{"from_phone_number"}, "x-api-token"},
}

func TestPresetsTable(t *testing.T) {
	vendors := map[string]map[string]bool{}
	names := map[string]bool{}
	for _, p := range Presets() {
		if names[p.Name] {
			t.Errorf("preset %q listed twice", p.Name)
		}
		names[p.Name] = true
		if !ValidHookID(p.Name) {
			t.Errorf("preset %q: name is no valid hook id", p.Name)
		}
		if u, err := url.Parse(p.Source); err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("preset %q: source %q is no https URL", p.Name, p.Source)
		}
		if !p.Available && p.Note == "" {
			t.Errorf("preset %q: unavailable without a note saying why", p.Name)
		}
		if p.Params == nil {
			t.Errorf("preset %q: params is nil, want [] in JSON", p.Name)
		}
		if vendors[p.Vendor] == nil {
			vendors[p.Vendor] = map[string]bool{}
		}
		vendors[p.Vendor][p.Action] = true
		_, tested := presetWant[p.Name]
		if p.Available != tested {
			t.Errorf("preset %q: available=%v but presetWant has it: %v", p.Name, p.Available, tested)
		}
	}
	if len(vendors) < 12 {
		t.Errorf("%d vendors, want at least 12", len(vendors))
	}
	for v, actions := range vendors {
		if !actions[PresetOpen] || !actions[PresetLog] {
			t.Errorf("vendor %s: want an %q and a %q entry (available or with a note), have %v", v, PresetOpen, PresetLog, actions)
		}
	}
}

// hostileData is a finished incoming call whose caller id tries to break
// out of every place it is put.
func hostileData() templates.Data {
	d := templates.Sample(call.IncomingHangup, "agent", "49")
	d.Call.Caller = call.Party{Number: `030 1234"},"x":{"y":"`, Name: `Eve","status":"HACKED"}&a=b/../@evil.example#`}
	return d
}

func TestPresetsRender(t *testing.T) {
	for name, want := range presetWant {
		t.Run(name, func(t *testing.T) {
			h, err := FromPreset(name, presetParams[name])
			if err != nil {
				t.Fatal(err)
			}
			cfg := Default()
			cfg.Hooks = append(cfg.Hooks, h)
			if err := cfg.Validate(); err != nil {
				t.Fatalf("created hook does not pass config check: %v", err)
			}
			if w := cfg.Warnings(); len(w) > 0 {
				t.Errorf("created hook has warnings: %v", w)
			}

			sample := templates.Sample(call.IncomingHangup, "agent", "49")
			u := renderURL(t, h, sample)
			if u.Host != want.host || u.Path != want.path {
				t.Errorf("URL %s, want host %s path %s", u, want.host, want.path)
			}
			if want.secret == "userinfo" {
				if u.User.Username() != "SECRET" {
					t.Errorf("URL %s: want the secret as the user name", u)
				}
			} else if !strings.Contains(h.Headers[want.secret], "{secret.") {
				t.Errorf("header %s = %q: want the token from a secret", want.secret, h.Headers[want.secret])
			}
			body := renderBody(t, h, sample)
			e164 := templates.E164(sample.Call.Caller.Number, "49")
			if got := field(body, want.number); !strings.Contains(got, e164) {
				t.Errorf("%v = %q, want the number %s", want.number, got, e164)
			}

			// The hostile caller changes values, never the request's
			// shape: same host, same path, same JSON keys.
			hostile := hostileData()
			hu := renderURL(t, h, hostile)
			if hu.Host != want.host || hu.Path != want.path {
				t.Errorf("hostile caller moved the request to %s", hu)
			}
			hb := renderBody(t, h, hostile)
			if got, want := keys(hb), keys(body); got != want {
				t.Errorf("hostile caller changed the body's keys:\n got %s\nwant %s", got, want)
			}
			if strings.Contains(h.Body, "{remote_name}") && !hasString(hb, hostile.Call.Caller.Name) {
				t.Errorf("hostile name not kept verbatim inside one JSON string: %v", hb)
			}
		})
	}
}

func renderURL(t *testing.T, h Hook, d templates.Data) *url.URL {
	t.Helper()
	tu, err := templates.ParseURL(h.URL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tu.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func renderBody(t *testing.T, h Hook, d templates.Data) map[string]any {
	t.Helper()
	b, err := templates.ParseBody(h.Body, h.ContentTypeOrDefault())
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("body %s: %v", out, err)
	}
	return m
}

// field returns the string at path in a JSON value; an array's elements
// are named by their index ("0").
func field(m map[string]any, path []string) string {
	var v any = m
	for _, k := range path {
		switch vv := v.(type) {
		case map[string]any:
			v = vv[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(vv) {
				return ""
			}
			v = vv[i]
		default:
			return ""
		}
	}
	s, _ := v.(string)
	return s
}

// keys lists a JSON object's keys, nested ones as a.b (an array's
// elements as a.0.b), sorted.
func keys(m map[string]any) string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				out = append(out, prefix+k)
				walk(prefix+k+".", e)
			}
		case []any:
			for i, e := range v {
				out = append(out, prefix+strconv.Itoa(i))
				walk(prefix+strconv.Itoa(i)+".", e)
			}
		}
	}
	walk("", m)
	slices.Sort(out)
	return strings.Join(out, ",")
}

// hasString reports whether one of v's string values contains s.
func hasString(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, s)
	case map[string]any:
		for _, e := range v {
			if hasString(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasString(e, s) {
				return true
			}
		}
	}
	return false
}

func TestFromPresetErrors(t *testing.T) {
	tests := []struct {
		name   string
		preset string
		params map[string]string
		want   error
		names  string // what the message must name
	}{
		{"unknown preset", "nope", nil, ErrUnknownPreset, "nope"},
		{"no documented URL", "hubspot-open", nil, ErrPresetUnavailable, "no URL"},
		{"missing param", "zendesk-log", map[string]string{"app_id": "1"}, ErrMissingParam, "subdomain"},
		{"host with a path", "salesforce-log", map[string]string{"instance": "evil.example/x"}, ErrInvalidParam, "instance"},
		{"host with a placeholder", "salesforce-log", map[string]string{"instance": "{remote}.example"}, ErrInvalidParam, "instance"},
		{"host with userinfo", "dynamics-log", map[string]string{"org": "a@evil.example"}, ErrInvalidParam, "org"},
		{"subdomain with a dot", "freshdesk-log", map[string]string{"domain": "evil.example"}, ErrInvalidParam, "domain"},
		{"app id not a number", "zendesk-log", map[string]string{"subdomain": "acme", "app_id": `1,"x":2`}, ErrInvalidParam, "app_id"},
		{"bad secret name", "hubspot-log", map[string]string{"token_secret": "a}b"}, ErrInvalidParam, "token_secret"},
		{"unknown param", "hubspot-log", map[string]string{"portal": "1"}, ErrUnknownParam, "portal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromPreset(tt.preset, tt.params)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.names != "no URL" && !strings.Contains(err.Error(), tt.names) {
				t.Errorf("error %q does not name %q", err, tt.names)
			}
		})
	}
}

func TestFromPresetDefaultsAndHost(t *testing.T) {
	h, err := FromPreset("salesforce-log", map[string]string{"instance": "https://acme.my.salesforce.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if h.URL != "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Task" {
		t.Errorf("URL = %s", h.URL)
	}
	if got := h.Headers["Authorization"]; got != "Bearer {secret.salesforce-token}" {
		t.Errorf("Authorization = %q, want the default secret", got)
	}
	if h.ID != "salesforce-log" || !h.Enabled {
		t.Errorf("id %q enabled %v", h.ID, h.Enabled)
	}
	// The table stays untouched by what FromPreset fills in.
	p, _ := LookupPreset("salesforce-log")
	if !strings.Contains(p.hook.URL, "<instance>") {
		t.Errorf("FromPreset changed the table: %s", p.hook.URL)
	}
}

func TestUniqueHookID(t *testing.T) {
	cfg := Default()
	cfg.Hooks = []Hook{{ID: "hubspot-log"}, {ID: "hubspot-log-2"}}
	if got := cfg.UniqueHookID("hubspot-log"); got != "hubspot-log-3" {
		t.Errorf("got %s", got)
	}
	if got := cfg.UniqueHookID("zendesk-log"); got != "zendesk-log" {
		t.Errorf("got %s", got)
	}
}

// htmlFields are the body fields the vendors document as HTML (rich
// text): HubSpot's hs_call_body, Pipedrive's note, Freshdesk's
// description. Nothing the caller chooses may reach them, not even the
// SIP Call-ID, which may hold "<" and ">".
var htmlFields = map[string][]string{
	"hubspot-log":   {"properties", "hs_call_body"},
	"pipedrive-log": {"note"},
	"freshdesk-log": {"description"},
}

func TestPresetsKeepCallerTextOutOfHTMLFields(t *testing.T) {
	for name, path := range htmlFields {
		t.Run(name, func(t *testing.T) {
			h, err := FromPreset(name, presetParams[name])
			if err != nil {
				t.Fatal(err)
			}
			d := hostileData()
			const tag = "<img/src=x/onerror=alert(1)>"
			d.Call.ID = tag + "@pbx"
			d.Call.Caller.Name += tag
			d.Call.Caller.Number += tag
			d.Call.Callee.Name = tag
			got := field(renderBody(t, h, d), path)
			if got == "" {
				t.Fatalf("%v is empty or missing: the table is out of date", path)
			}
			if strings.ContainsAny(got, "<>") {
				t.Errorf("%v = %q: caller text in a field the CRM shows as HTML", path, got)
			}
		})
	}
}
