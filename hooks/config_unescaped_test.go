package hooks_test

import (
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// A POST body whose content type Callhook cannot escape for warns when it
// holds caller-controlled text; an escaped type, or a GET (which sends no
// body), does not.
func TestWarningsUnescapedBody(t *testing.T) {
	tests := []struct {
		name, action, ct, body string
		want                   string // "" for no warning
	}{
		{"plain with caller", hooks.ActionPost, "text/plain", "call from {caller} ({remote_name})",
			`hooks[h].body: content type "text/plain" has no escaping, so {caller}, {remote_name} go out exactly as the caller sent them`},
		{"csv with header", hooks.ActionPost, "text/csv", "{header.X-Foo},{user}",
			`hooks[h].body: content type "text/csv" has no escaping, so {header.X-Foo} go out`},
		{"plain digits only", hooks.ActionPost, "text/plain", "{remote|digits} {user}", ""},
		{"text/json escapes", hooks.ActionPost, "text/json", `{"n":"{caller}"}`, ""},
		{"ndjson escapes", hooks.ActionPost, "application/x-ndjson", "{\"n\":\"{caller}\"}\n", ""},
		{"xml escapes", hooks.ActionPost, "text/xml", "<n>{caller}</n>", ""},
		{"get sends no body", hooks.ActionGet, "text/plain", "{caller}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := hooks.Default()
			c.Hooks = []hooks.Hook{{ID: "h", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
				Action: tt.action, URL: "https://crm.example.com/", ContentType: tt.ct, Body: tt.body}}
			var got []string
			for _, p := range c.Warnings() {
				got = append(got, p.String())
			}
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("Warnings = %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tt.want)):
				t.Errorf("Warnings = %q, want one starting %q", got, tt.want)
			}
		})
	}
}
