package hooks

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/callhook/callhook/templates"
)

// SecretMask stands in for a secret in what Callhook stores and shows.
const SecretMask = "***"

// SecretRecorder is a Secrets that remembers every value it hands out,
// so that what a receiver echoes of them (a response body that quotes the
// request's headers) is masked before it is stored or shown.
type SecretRecorder struct {
	secrets Secrets
	mu      sync.Mutex
	values  map[string]bool
}

var _ Secrets = (*SecretRecorder)(nil)

// NewSecretRecorder returns a recorder resolving through s.
func NewSecretRecorder(s Secrets) *SecretRecorder {
	return &SecretRecorder{secrets: s, values: map[string]bool{}}
}

// Get resolves name through the underlying Secrets and records the value
// (and, for a Standard Webhooks key, the key without its prefix).
func (r *SecretRecorder) Get(name string) (string, error) {
	v, err := r.secrets.Get(name)
	if err == nil {
		r.Add(v, strings.TrimPrefix(v, SigningKeyPrefix))
	}
	return v, err
}

// Add records values to mask besides those resolved through Get.
func (r *SecretRecorder) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if v != "" {
			r.values[v] = true
		}
	}
}

// sensitiveRequestHeaders are HTTP headers whose values are credentials
// even when typed into the config without a {secret.NAME}.
var sensitiveRequestHeaders = []string{"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"}

// AddRequest records the secrets a request for h with data carries
// besides those resolved through Get: the password of the URL's userinfo
// (and the Basic credentials the HTTP client makes of it), and the values
// of credential headers, whole and without their scheme ("Bearer ").
func (r *SecretRecorder) AddRequest(h *Hook, data templates.Data) {
	data.Secret = r.Get
	if u, err := templates.ParseURL(h.URL); err == nil {
		if s, err := u.Render(data); err == nil {
			if pu, err := url.Parse(s); err == nil && pu.User != nil {
				if pw, ok := pu.User.Password(); ok {
					r.Add(pw, base64.StdEncoding.EncodeToString([]byte(pu.User.Username()+":"+pw)))
				}
			}
		}
	}
	for name, src := range h.Headers {
		if !slices.Contains(sensitiveRequestHeaders, strings.ToLower(name)) {
			continue
		}
		t, err := templates.Parse(src)
		if err != nil {
			continue
		}
		v, err := t.RenderHeader(data)
		if err != nil {
			continue
		}
		r.Add(v)
		if _, cred, ok := strings.Cut(v, " "); ok {
			r.Add(strings.TrimSpace(cred))
		}
	}
}

// minTailMask is how long the start of a secret left at the end of a
// cut excerpt must be to be masked.
const minTailMask = 4

// Redact replaces every recorded secret in s with SecretMask: as sent,
// JSON-escaped, percent-encoded and base64-encoded, as a receiver may
// echo it; and a secret's start where an excerpt was cut.
func (r *SecretRecorder) Redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.Lock()
	var forms []string
	for v := range r.values {
		forms = append(forms, secretForms(v)...)
	}
	r.mu.Unlock()
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, SecretMask)
	}
	for _, f := range forms {
		for n := min(len(f)-1, len(s)); n >= minTailMask; n-- {
			if strings.HasSuffix(s, f[:n]) {
				s = s[:len(s)-n] + SecretMask
				break
			}
		}
	}
	return s
}

// secretForms returns the ways v may appear in a response body.
func secretForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), base64.StdEncoding.EncodeToString([]byte(v))}
	forms = append(forms, templates.URLForms(v)...) // as a URL template renders it
	if b, err := json.Marshal(v); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	return slices.Compact(slices.Sorted(slices.Values(forms)))
}

// RedactResult masks the recorded secrets in res's response excerpt and
// error.
func (r *SecretRecorder) RedactResult(res Result) Result {
	res.Response, res.Error = r.Redact(res.Response), r.Redact(res.Error)
	return res
}
