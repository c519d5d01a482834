package hooks

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/pkg/browser"

	"github.com/callhook/callhook/templates"
)

// Opener opens a URL in the user's browser.
type Opener interface {
	Open(url string) error
}

// OpenerFunc adapts a function to Opener.
type OpenerFunc func(url string) error

var _ Opener = OpenerFunc(nil)

// Open calls f.
func (f OpenerFunc) Open(u string) error { return f(u) }

// SystemBrowser opens URLs in the desktop's default browser. The URL is
// passed as one argument to the platform's opener (xdg-open, open,
// rundll32), never through a shell.
type SystemBrowser struct{}

var _ Opener = SystemBrowser{}

func init() {
	// The platform's opener inherits Callhook's stdout and stderr (its
	// log) from pkg/browser, and quotes the URL when it fails
	// ("xdg-open: no method available for opening '...'"): a browser
	// hook's URL may carry a secret in its query. nil is /dev/null, with
	// no pipe for a browser the opener starts to hold open.
	browser.Stdout, browser.Stderr = nil, nil
}

// Open opens u in the default browser.
func (SystemBrowser) Open(u string) error {
	if err := browser.OpenURL(u); err != nil {
		return fmt.Errorf("open browser: %w", err)
	}
	return nil
}

// ParseURL parses h's URL template as its action wants it: a browser
// hook's with templates.ParseBrowserURL, which lets a {secret.NAME} stand
// in the query (a page that logs the agent in from its URL), any other
// hook's with templates.ParseURL.
func (h *Hook) ParseURL() (*templates.URL, error) {
	if h.Action == ActionBrowser {
		return templates.ParseBrowserURL(h.URL)
	}
	return templates.ParseURL(h.URL)
}

// openBrowser renders h's URL and opens it, but only an http or https URL
// on the host written literally in the hook: whatever a caller id holds,
// it cannot send the agent's browser elsewhere. A {secret.NAME} in the
// query is resolved through secrets and reaches the browser as it is;
// what the attempt reports (and the journal keeps, the log and the window
// show) has it masked.
func openBrowser(o Opener, h *Hook, data templates.Data, secrets Secrets) (out outcome) {
	data.Secret = nil
	rec := NewSecretRecorder(secrets)
	if secrets != nil {
		data.Secret = rec.Get
	}
	u, err := h.ParseURL()
	if err != nil {
		return outcome{err: fmt.Errorf("hook %s: url: %w", h.ID, err), permanent: true}
	}
	target, err := u.Render(data)
	if err != nil {
		return outcome{err: fmt.Errorf("hook %s: render url: %w", h.ID, err), permanent: true}
	}
	shown, err := renderMasked(u, data)
	if err != nil {
		shown = "the hook's url"
	}
	defer func() {
		// An opener's error may quote the URL: it is shown with the
		// secrets masked, and any secret left is masked too.
		if out.err != nil {
			msg := strings.ReplaceAll(out.err.Error(), target, shown)
			if m := rec.Redact(msg); m != out.err.Error() {
				out.err = errors.New(m)
			}
		}
		out.response = rec.Redact(out.response)
	}()
	if err := checkBrowserURL(target, u.Host()); err != nil {
		return outcome{err: fmt.Errorf("hook %s: %w", h.ID, err), permanent: true}
	}
	if err := o.Open(target); err != nil {
		return outcome{err: fmt.Errorf("hook %s: %w", h.ID, err), permanent: true}
	}
	// What was opened is the attempt's answer: the test button and the
	// history show it.
	return outcome{response: excerpt([]byte("opened " + shownURL(shown) + " in the default browser"))}
}

// secretMarker stands in for every secret when a URL is rendered to be
// shown. It is unreserved characters only, so that escaping keeps it
// whole, and becomes SecretMask after rendering.
const secretMarker = "CALLHOOKSECRETMASK"

// renderMasked renders u with every {secret.NAME} shown as SecretMask
// ("?token=***"), never resolving one.
func renderMasked(u *templates.URL, data templates.Data) (string, error) {
	data.Secret = func(string) (string, error) { return secretMarker, nil }
	s, err := u.Render(data)
	return strings.ReplaceAll(s, secretMarker, SecretMask), err
}

// shownURL is target as Callhook shows it: the values of query (and
// fragment) parameters whose names say credential masked, as credential
// headers are (a {secret.NAME} is masked before, by renderMasked, but a
// token may be typed into the URL).
func shownURL(target string) string {
	p, err := url.Parse(target)
	if err != nil {
		return "the hook's url"
	}
	p.User = nil
	p.RawQuery = maskParams(p.RawQuery)
	if p.Fragment != "" && strings.Contains(p.Fragment, "=") {
		p.RawFragment = maskParams(p.EscapedFragment())
		p.Fragment, _ = url.PathUnescape(p.RawFragment)
	}
	return p.String()
}

// maskParams masks the credential values in an encoded query, keeping
// everything else as it was written.
func maskParams(raw string) string {
	if raw == "" {
		return raw
	}
	params := strings.Split(raw, "&")
	for i, kv := range params {
		k, _, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if name, err := url.QueryUnescape(k); err == nil && credentialName(name) {
			params[i] = k + "=" + SecretMask
		}
	}
	return strings.Join(params, "&")
}

// credentialName reports whether a parameter called name likely carries
// a credential: token, api_key, apiKey, password, sig, session, ...
func credentialName(name string) bool {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "", ".", "").Replace(name))
	for _, w := range []string{"token", "secret", "passw", "pwd", "apikey", "auth", "signature", "session", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key" || n == "sig" || n == "sid" || n == "pass" || strings.HasSuffix(n, "key")
}

// checkBrowserURL refuses anything but an http(s) URL on host.
func checkBrowserURL(target, host string) error {
	p, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("refuse to open the browser: rendered url does not parse")
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return fmt.Errorf("refuse to open the browser: scheme %q is not http or https", p.Scheme)
	}
	if host == "" || !strings.EqualFold(p.Host, host) {
		return fmt.Errorf("refuse to open the browser: host %q is not the hook's host %q", p.Host, host)
	}
	if p.User != nil {
		return fmt.Errorf("refuse to open the browser: url carries user info")
	}
	return nil
}

// keyedMutex is a mutex per call and hook, kept only while someone holds
// or waits for it.
type keyedMutex struct {
	mu sync.Mutex
	m  map[chainKey]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

// lock locks k's mutex and returns its unlock.
func (km *keyedMutex) lock(k chainKey) (unlock func()) {
	km.mu.Lock()
	if km.m == nil {
		km.m = map[chainKey]*keyedEntry{}
	}
	e := km.m[k]
	if e == nil {
		e = &keyedEntry{}
		km.m[k] = e
	}
	e.refs++
	km.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		km.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(km.m, k)
		}
		km.mu.Unlock()
	}
}
