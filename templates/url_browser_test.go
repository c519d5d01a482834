package templates

import (
	"net/url"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

// A browser URL may carry a secret in its query, and nowhere else; a
// request URL still only in its userinfo.
func TestParseBrowserURL(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		browser string // ParseBrowserURL's error, "" for none
		request string // ParseURL's error, "" for none
	}{
		{"secret in query", "https://pbx.example.com/login?user={user}&token={secret.pbx}", "", "userinfo"},
		{"secret in query after the path", "https://pbx.example.com/a/b?t={secret.pbx}#x", "", "userinfo"},
		{"secret in path", "https://pbx.example.com/{secret.pbx}/x", "only in its query", "userinfo"},
		{"secret in fragment", "https://pbx.example.com/x?a=1#t={secret.pbx}", "only in its query", "userinfo"},
		{"secret in userinfo", "https://u:{secret.pbx}@pbx.example.com/", "only in its query", ""},
		{"secret as host", "https://{secret.pbx}/", "URL's host", "URL's host"},
		{"no secret", "https://crm.example.com/search?q={remote|e164}", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, err error, want string) {
				t.Helper()
				switch {
				case want == "" && err != nil:
					t.Errorf("%s: %v", what, err)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: error %v, want %q", what, err, want)
				}
			}
			_, err := ParseBrowserURL(tt.src)
			check("ParseBrowserURL", err, tt.browser)
			_, err = ParseURL(tt.src)
			check("ParseURL", err, tt.request)
		})
	}
	_, err := ParseBrowserURL("https://pbx.example.com/{secret.pbx}")
	if want := "{secret.pbx} at offset 24: a browser URL may carry secrets only in its query (?key={secret.NAME})"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// The secret in a browser URL's query is escaped as a query value: a
// hostile or odd value cannot add parameters or move the page.
func TestBrowserURLSecretEscaped(t *testing.T) {
	u, err := ParseBrowserURL("https://pbx.example.com/login?token={secret.pbx}&n={remote}")
	if err != nil {
		t.Fatal(err)
	}
	d := Sample(call.IncomingRing, "max", "49")
	d.Secret = func(string) (string, error) { return "a&b=c#d/../@evil.example", nil }
	s, err := u.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Host != "pbx.example.com" || p.Path != "/login" || p.Fragment != "" {
		t.Errorf("rendered %s", s)
	}
	if q := p.Query(); len(q) != 2 || q.Get("token") != "a&b=c#d/../@evil.example" || q.Get("n") != "03012345678" {
		t.Errorf("query %v of %s", q, s)
	}
}
