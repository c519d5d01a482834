package hooks

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// fakeOpener records the URLs it was asked to open.
type fakeOpener struct {
	mu   sync.Mutex
	urls []string
	err  error
}

var _ Opener = (*fakeOpener)(nil)

func (o *fakeOpener) Open(u string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.urls = append(o.urls, u)
	return o.err
}

func (o *fakeOpener) opened() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.urls...)
}

func TestBrowserOpensOncePerCallOnTheHooksHost(t *testing.T) {
	hostile := []string{
		"evil.example/@x",
		"1234#@evil.example",
		"//evil.example",
		"1234?x=1&y=2/../..",
		"\r\nLocation: http://evil.example",
	}
	for _, number := range hostile {
		t.Run(number, func(t *testing.T) {
			op := &fakeOpener{}
			h := Hook{ID: "crm", Enabled: true, Action: ActionBrowser,
				Triggers: []call.Trigger{call.IncomingRing, call.IncomingAnswer, call.QueueAnswer},
				URL:      "https://crm.example.com/search?phone={remote}&name={remote_name}"}
			d, j := startDispatcher(t, testConfig(h), WithOpener(op))
			c := testCall("call-browser")
			c.Caller = call.Party{Number: number, Name: number}
			d.Handle(event(c, call.IncomingRing))
			d.Handle(event(c, call.IncomingAnswer))
			waitCall(t, d, c.ID)

			urls := op.opened()
			if len(urls) != 1 {
				t.Fatalf("opened %d times (%q), want once per call; deliveries %+v", len(urls), urls, deliveriesOf(t, j, c.ID))
			}
			u, err := url.Parse(urls[0])
			if err != nil {
				t.Fatalf("opened an unparsable url %q", urls[0])
			}
			if u.Scheme != "https" || u.Host != "crm.example.com" || u.Path != "/search" || u.User != nil {
				t.Errorf("opened %q: scheme, host or path changed", urls[0])
			}
			if got := u.Query().Get("phone"); got != number {
				t.Errorf("phone = %q, want the caller's number %q unchanged as data", got, number)
			}
			states := map[State]int{}
			for _, e := range deliveriesOf(t, j, c.ID) {
				states[e.State]++
			}
			if states[StateDelivered] != 1 || states[StateDropped] != 1 {
				t.Errorf("delivery states = %v, want one delivered and one dropped", states)
			}
		})
	}
}

func TestBrowserFailureIsNotRetried(t *testing.T) {
	op := &fakeOpener{err: errTest}
	h := Hook{ID: "crm", Enabled: true, Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://crm.example.com/?p={remote}"}
	d, j := startDispatcher(t, testConfig(h), WithOpener(op))
	c := testCall("call-browser-fail")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	ds := deliveriesOf(t, j, c.ID)
	if len(op.opened()) != 1 || len(ds) != 1 || ds[0].State != StateFailed || ds[0].Attempts != 1 {
		t.Errorf("opened %d times, deliveries %+v; want one failed attempt", len(op.opened()), ds)
	}
}

type testError string

func (e testError) Error() string { return string(e) }

const errTest = testError("no display")

func TestCheckBrowserURL(t *testing.T) {
	tests := []struct {
		name, url, host string
		wantErr         string
	}{
		{"same host", "https://crm.example.com/x?y=1", "crm.example.com", ""},
		{"host case differs", "https://CRM.example.com/x", "crm.example.com", ""},
		{"with port", "http://127.0.0.1:8080/x", "127.0.0.1:8080", ""},
		{"different host", "https://evil.example/x", "crm.example.com", "not the hook's host"},
		{"different port", "https://crm.example.com:8443/x", "crm.example.com", "not the hook's host"},
		{"javascript", "javascript:alert(1)", "crm.example.com", "scheme"},
		{"file", "file:///etc/passwd", "", "scheme"},
		{"userinfo", "https://crm.example.com@evil.example/", "crm.example.com", "not the hook's host"},
		{"userinfo same host", "https://u:p@crm.example.com/", "crm.example.com", "user info"},
		{"empty host", "https:///x", "", "not the hook's host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBrowserURL(tt.url, tt.host)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

// The browser hook's test says what it opened, a credential typed into
// the URL masked.
func TestBrowserTestSaysWhatWasOpened(t *testing.T) {
	op := &fakeOpener{}
	h := Hook{ID: "crm", Enabled: true, Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://crm.example.com/search?phone={remote}&api_key=K3Y-LITERAL"}
	d := NewDispatcher(nil, testConfig(h), WithOpener(op), WithLogger(discardLogger()))
	res, err := d.Test(context.Background(), h, call.IncomingRing)
	if err != nil {
		t.Fatalf("Test: %v", err)
	}
	opened := op.opened()
	if len(opened) != 1 {
		t.Fatalf("opened %q, want one url", opened)
	}
	phone := url.QueryEscape(templates.Sample(call.IncomingRing, "max", "49").Call.Caller.Number)
	want := "opened https://crm.example.com/search?phone=" + phone + "&api_key=*** in the default browser"
	if res.Response != want {
		t.Errorf("result says %q, want %q", res.Response, want)
	}
	if !strings.Contains(opened[0], "K3Y-LITERAL") {
		t.Errorf("opened %q: the browser must get the url as written", opened[0])
	}
}

func TestShownURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "https://crm.example.com/search?phone=%2B4930123", "https://crm.example.com/search?phone=%2B4930123"},
		{"no query", "https://crm.example.com/c/42", "https://crm.example.com/c/42"},
		{"token", "https://crm.example.com/?q=1&token=abc&x=2", "https://crm.example.com/?q=1&token=***&x=2"},
		{"camel case key", "https://crm.example.com/?apiKey=abc", "https://crm.example.com/?apiKey=***"},
		{"encoded name", "https://crm.example.com/?access%5Ftoken=abc", "https://crm.example.com/?access%5Ftoken=***"},
		{"password and sig", "https://crm.example.com/?password=p&sig=s&name=Erika", "https://crm.example.com/?password=***&sig=***&name=Erika"},
		{"fragment parameters", "https://crm.example.com/#/search?phone=1&access_token=abc", "https://crm.example.com/#/search?phone=1&access_token=***"},
		{"plain fragment", "https://crm.example.com/app#contacts", "https://crm.example.com/app#contacts"},
		{"userinfo dropped", "https://u:pw@crm.example.com/", "https://crm.example.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shownURL(tt.in); got != tt.want {
				t.Errorf("shownURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
