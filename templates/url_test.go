package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"placeholder as scheme", "{caller}://crm.example.com/", "URL's scheme"},
		{"placeholder inside scheme", "http{caller}://crm.example.com/", "URL's scheme"},
		{"placeholder as host", "https://{caller}/x", "URL's host"},
		{"placeholder in host suffix", "https://crm.{caller}.example.com/", "URL's host"},
		{"placeholder in port", "https://crm.example.com:{caller}/", "URL's host"},
		{"placeholder after userinfo", "https://u@{caller}/", "URL's host"},
		{"placeholder host with no path", "https://{caller}", "URL's host"},
		{"secret in path", "https://crm.example.com/{secret.crm}", "userinfo"},
		{"secret in query", "https://crm.example.com/?k={secret.crm}", "userinfo"},
		{"secret in fragment", "https://crm.example.com/#{secret.crm}", "userinfo"},
		{"ftp scheme", "ftp://crm.example.com/", "http or https"},
		{"javascript scheme", "javascript://crm.example.com/%0aalert(1)", "http or https"},
		{"no scheme", "crm.example.com/search?q={caller}", "scheme and host"},
		{"empty", "", "scheme and host"},
		{"no host", "https:///search", "no host"},
		{"bad placeholder", "https://crm.example.com/{nope}", "unknown placeholder"},
		{"literal that does not parse", "https://crm.example.com/%zz", "render URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURL(tt.src)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded", tt.src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestURLRender(t *testing.T) {
	d := Sample(call.IncomingAnswer, "max", "49")
	d.Call.Caller = call.Party{Number: "+49 30/12&3#4=5?", Name: "Dr. Ünal O'Neil + Co"}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"query gets percent-encoding", "https://crm.example.com/search?phone={caller}", "https://crm.example.com/search?phone=%2B49%2030%2F12%263%234%3D5%3F"},
		{"path segment encodes slash and dots", "https://crm.example.com/contacts/{caller_name}/view", "https://crm.example.com/contacts/Dr%2E%20%C3%9Cnal%20O%27Neil%20%2B%20Co/view"},
		{"query keeps dots", "http://h.example:8080/?n={caller_name}", "http://h.example:8080/?n=Dr.%20%C3%9Cnal%20O%27Neil%20%2B%20Co"},
		{"fragment", "https://crm.example.com/app#/call/{caller}", "https://crm.example.com/app#/call/%2B49%2030%2F12%263%234%3D5%3F"},
		{"e164 in query", "https://crm.example.com/?p={remote|e164}", "https://crm.example.com/?p="},
		{"userinfo secret", "https://api:{secret.crm}@crm.example.com/x", "https://api:SECRET@crm.example.com/x"},
		{"scheme case kept literal", "HTTPS://crm.example.com/{callee}", "HTTPS://crm.example.com/1002"},
		{"ipv6 host", "http://[::1]:8080/{callee}", "http://[::1]:8080/1002"},
		{"placeholder right after host in query", "https://crm.example.com?{callee}", "https://crm.example.com?1002"},
		{"unfillable renders empty", "https://crm.example.com/?d={duration}&q={queue}", "https://crm.example.com/?d=&q="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseURL(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := u.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Render = %q\nwant     %q", got, tt.want)
			}
		})
	}
}

func TestURLAccessors(t *testing.T) {
	u, err := ParseURL("HTTPS://user:{secret.pw}@crm.example.com:8443/a/{caller}?b={callee}")
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme() != "https" || u.Host() != "crm.example.com:8443" {
		t.Errorf("Scheme, Host = %q, %q", u.Scheme(), u.Host())
	}
	if n := len(u.Template().Refs()); n != 3 {
		t.Errorf("%d refs, want 3", n)
	}
	d := Sample(call.IncomingRing, "", "")
	d.Secret = nil
	if _, err := u.Render(d); !errors.Is(err, ErrNoSecrets) {
		t.Errorf("render without secrets: %v, want ErrNoSecrets", err)
	}
}

func TestURLErrorsStripUserinfo(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"literal password", "https://max:hunter2@crm.example.com/%zz"},
		{"secret password", "https://max:{secret.crm}@crm.example.com/%zz?q={caller}"},
		{"bad port", "https://max:hunter2@crm.example.com:x/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURL(tt.src)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded", tt.src)
			}
			for _, leak := range []string{"hunter2", "max:", "SECRET", "@"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q quotes %q", err, leak)
				}
			}
			if !strings.Contains(err.Error(), "crm.example.com") {
				t.Errorf("error %q does not name the host", err)
			}
		})
	}
}

func TestStripUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://u:p@h.example/x", "https://h.example/x"},
		{"https://u:p@h.example", "https://h.example"},
		{"https://u:p%40x@y@h.example?q=a@b", "https://h.example?q=a@b"},
		{"https://h.example/a@b", "https://h.example/a@b"},
		{"no scheme u:p@h", "no scheme u:p@h"},
	}
	for _, tt := range tests {
		if got := stripUserinfo(tt.in); got != tt.want {
			t.Errorf("stripUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
