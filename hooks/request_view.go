package hooks

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/callhook/callhook/templates"
)

// maxShownBody bounds the body SentRequest shows.
const maxShownBody = 8 << 10

// maskSecrets is a Secrets that answers every name with SecretMask.
type maskSecrets struct{}

func (maskSecrets) Get(string) (string, error) { return SecretMask, nil }

// SentRequest renders the request of delivery id again from what the
// journal kept (the hook and the call as they were when the delivery was
// made), for the window's delivery detail: method, URL, headers and body,
// with every secret shown as *** — the {secret.*} values, the URL's
// password, the signature. A browser delivery shows the page it opens.
func (j *Journal) SentRequest(ctx context.Context, id string) (string, error) {
	row, err := j.load(ctx, id)
	if err != nil {
		return "", err
	}
	h := row.hook
	data := templates.Data{Trigger: row.trigger, Call: row.call, CountryCode: row.countryCode, Now: row.eventAt,
		Secret: maskSecrets{}.Get}
	if h.Action == ActionBrowser {
		// A {secret.NAME} in the query shows as ***, unescaped.
		u, err := h.ParseURL()
		if err != nil {
			return "", fmt.Errorf("hook %s: url: %w", h.ID, err)
		}
		target, err := renderMasked(u, data)
		if err != nil {
			return "", fmt.Errorf("hook %s: render url: %w", h.ID, err)
		}
		return "open in the browser: " + maskUserinfo(target), nil
	}
	signed := h.SigningSecret != ""
	h.SigningSecret = ""
	req, err := buildRequest(ctx, &h, data, id, row.eventAt, maskSecrets{})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, maskUserinfo(req.URL.String()))
	if req.URL.User != nil {
		fmt.Fprintf(&b, "Authorization: Basic %s\n", SecretMask)
	}
	if signed {
		req.Header.Set(HeaderWebhookSignature, SecretMask)
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := req.Header.Get(name)
		if isCredentialHeader(name) {
			v = SecretMask
		}
		fmt.Fprintf(&b, "%s: %s\n", name, v)
	}
	if req.Body != nil {
		body, err := io.ReadAll(io.LimitReader(req.Body, maxShownBody+1))
		if err != nil {
			return "", err
		}
		if len(body) > 0 {
			b.WriteString("\n")
			if len(body) > maxShownBody {
				body = append(body[:maxShownBody], "…"...)
			}
			b.Write(body)
		}
	}
	return b.String(), nil
}

// maskUserinfo replaces a URL's password with ***.
func maskUserinfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); !ok {
		return raw
	}
	u.User = url.UserPassword(u.User.Username(), "MASK")
	// Put the mask in unescaped: the URL is for reading.
	return strings.Replace(u.String(), ":MASK@", ":"+SecretMask+"@", 1)
}

// isCredentialHeader reports headers whose value is a credential
// whatever it was made of.
func isCredentialHeader(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key":
		return true
	}
	return false
}
