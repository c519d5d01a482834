package hooks

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

// A browser hook may carry {secret.NAME} in its query (the UCware case)
// with a warning; anywhere else in a browser URL, and in a request URL's
// query, it is still refused.
func TestBrowserSecretValidation(t *testing.T) {
	tests := []struct {
		name   string
		action string
		url    string
		err    string // "" when valid
		warn   bool
	}{
		{"browser query", ActionBrowser, "https://pbx.example.com/login?user={user}&token={secret.pbx}", "", true},
		{"browser query twice", ActionBrowser, "https://pbx.example.com/login?a={secret.pbx}&b={secret.pbx}&c={secret.other}", "", true},
		{"browser without secret", ActionBrowser, "https://crm.example.com/?q={remote|e164}", "", false},
		{"browser path", ActionBrowser, "https://pbx.example.com/{secret.pbx}/login", "hooks[h].url: {secret.pbx} at offset 24: a browser URL may carry secrets only in its query (?key={secret.NAME})", false},
		{"browser fragment", ActionBrowser, "https://pbx.example.com/#token={secret.pbx}", "a browser URL may carry secrets only in its query", false},
		{"browser userinfo", ActionBrowser, "https://u:{secret.pbx}@pbx.example.com/", "a browser URL may carry secrets only in its query", false},
		{"get query", ActionGet, "https://pbx.example.com/login?token={secret.pbx}", "secrets are allowed only in the URL's userinfo", false},
		{"post query", ActionPost, "https://pbx.example.com/login?token={secret.pbx}", "secrets are allowed only in the URL's userinfo", false},
		{"get userinfo", ActionGet, "https://u:{secret.pbx}@pbx.example.com/", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Hook{ID: "h", Enabled: true, Action: tt.action, Triggers: []call.Trigger{call.IncomingRing}, URL: tt.url}
			cfg := testConfig(h)
			err := cfg.Validate()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.err != "":
				var ve *ValidationError
				if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].String(), tt.err) {
					t.Fatalf("Validate = %v, want one problem %q", err, tt.err)
				}
				return
			}
			var got []Problem
			for _, p := range cfg.Warnings() {
				if strings.Contains(p.Message, "history") {
					got = append(got, p)
				}
			}
			if !tt.warn {
				if len(got) != 0 {
					t.Errorf("warnings %v, want none about the history", got)
				}
				return
			}
			if len(got) != 1 || got[0].Path != "hooks[h].url" || got[0].Hook != "h" || got[0].Field != "url" {
				t.Fatalf("warnings %+v, want one on hooks[h].url", got)
			}
			if !slices.Equal(got, h.BrowserSecretWarnings()) {
				t.Errorf("Hook.BrowserSecretWarnings = %+v, want what config check says: %+v", h.BrowserSecretWarnings(), got)
			}
		})
	}
}

func TestBrowserSecretWarningText(t *testing.T) {
	h := Hook{ID: "ucware", Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://pbx.example.com/login?a={secret.pbx}&b={secret.pbx}&c={secret.sso}"}
	w := h.BrowserSecretWarnings()
	want := "the browser keeps this URL in its history with the value of {secret.pbx}, {secret.sso} in plain text, readable by anyone who can read the history"
	if len(w) != 1 || w[0].Message != want || w[0].String() != "hooks[ucware].url: "+want {
		t.Errorf("warnings %+v, want %q", w, want)
	}
	h.Action = ActionGet
	if w := h.BrowserSecretWarnings(); w != nil {
		t.Errorf("a get hook has browser warnings: %v", w)
	}
	h.Action, h.URL = ActionBrowser, "https://pbx.example.com/{secret.pbx}"
	if w := h.BrowserSecretWarnings(); w != nil {
		t.Errorf("an invalid URL has warnings (Validate speaks for it): %v", w)
	}
}

// The e164 warning sees a browser URL that carries a secret, too.
func TestBrowserSecretURLStillGetsE164Warning(t *testing.T) {
	h := Hook{ID: "ucware", Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://pbx.example.com/login?t={secret.pbx}&n={remote|e164}"}
	if w := h.E164Warnings(""); len(w) != 1 || w[0].Field != "url" {
		t.Errorf("E164Warnings = %v, want one on the url", w)
	}
}
