package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/callhook/callhook/templates"
)

// Version is the Callhook version sent in the User-Agent header; the
// command sets it at start-up.
var Version = "dev"

// DefaultContentType is a POST body's content type when the hook sets none.
const DefaultContentType = "application/json"

const (
	// maxResponseRead caps how much of a response body is read; the rest
	// is drained up to maxResponseDrain so the connection can be reused.
	maxResponseRead  = 64 << 10
	maxResponseDrain = 1 << 20
	// maxExcerpt caps the response excerpt kept in the journal and results.
	maxExcerpt = 512
)

// outcome is what one attempt came to, before the dispatcher decides on
// the delivery's state.
type outcome struct {
	status     int
	latency    time.Duration
	err        error
	response   string
	retryAfter time.Duration
	// permanent marks a failure no retry can fix: a template that does
	// not render, a missing secret, a redirect, a refused browser URL.
	permanent bool
	// dropped marks a browser delivery skipped because the call already
	// opened this hook's page.
	dropped bool
}

func (o outcome) ok() bool { return o.err == nil && !o.dropped }

// newHTTPClient returns the client deliveries use: never following
// redirects, since a webhook receiver that redirects is misconfigured and
// following it would send the payload (and its headers) elsewhere.
func newHTTPClient(base *http.Client, workers int) *http.Client {
	var c http.Client
	if base != nil {
		c = *base
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = workers
		c.Transport = t
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// buildRequest renders h for data into a request carrying the Standard
// Webhooks headers, signed when h names a signing secret.
func buildRequest(ctx context.Context, h *Hook, data templates.Data, id string, at time.Time, secrets Secrets) (*http.Request, error) {
	var method string
	switch h.Action {
	case ActionGet:
		method = http.MethodGet
	case ActionPost:
		method = http.MethodPost
	default:
		return nil, fmt.Errorf("hook %s: action %q cannot be sent as a request", h.ID, h.Action)
	}
	u, err := templates.ParseURL(h.URL)
	if err != nil {
		return nil, fmt.Errorf("hook %s: url: %w", h.ID, err)
	}
	target, err := u.Render(data)
	if err != nil {
		return nil, fmt.Errorf("hook %s: render url: %w", h.ID, err)
	}
	var body []byte
	contentType := h.ContentTypeOrDefault()
	if method == http.MethodPost && h.Body != "" {
		b, err := templates.ParseBody(h.Body, contentType)
		if err != nil {
			return nil, fmt.Errorf("hook %s: body: %w", h.ID, err)
		}
		if body, err = b.Render(data); err != nil {
			return nil, fmt.Errorf("hook %s: render body: %w", h.ID, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		// The URL may carry a secret in its userinfo: do not quote it.
		return nil, fmt.Errorf("hook %s: rendered url is not a valid request url", h.ID)
	}
	if method == http.MethodGet {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for name, src := range h.Headers {
		if !validHeaderName(name) {
			return nil, fmt.Errorf("hook %s: header name %q is not a valid HTTP header name", h.ID, name)
		}
		t, err := templates.Parse(src)
		if err != nil {
			return nil, fmt.Errorf("hook %s: header %s: %w", h.ID, name, err)
		}
		v, err := t.RenderHeader(data)
		if err != nil {
			return nil, fmt.Errorf("hook %s: render header %s: %w", h.ID, name, err)
		}
		req.Header.Set(name, v)
	}
	// Set last so that configured headers cannot forge them.
	if method == http.MethodPost {
		req.Header.Set(HeaderContentType, contentType)
	}
	req.Header.Set(HeaderUserAgent, "Callhook/"+Version)
	req.Header.Set(HeaderWebhookID, id)
	req.Header.Set(HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	if h.SigningSecret != "" {
		key, err := secrets.Get(h.SigningSecret)
		if err != nil {
			return nil, fmt.Errorf("hook %s: signing secret: %w", h.ID, err)
		}
		sig, err := Sign(key, id, at, body)
		if err != nil {
			return nil, fmt.Errorf("hook %s: signing secret %q: %w", h.ID, h.SigningSecret, err)
		}
		req.Header.Set(HeaderWebhookSignature, sig)
	}
	return req, nil
}

// send makes one attempt of delivery id: render, request, read the
// response. It never follows redirects and never retries. What it returns
// carries no secret it sent: a receiver that echoes the request's headers
// or URL gets its excerpt masked before anyone stores or shows it.
func send(ctx context.Context, client *http.Client, h *Hook, data templates.Data, id string, at time.Time, secrets Secrets) (o outcome) {
	rec := NewSecretRecorder(secrets)
	if data.Secret != nil {
		data.Secret = rec.Get
	}
	defer func() {
		rec.AddRequest(h, data)
		o.response = rec.Redact(o.response)
		if o.err != nil {
			if m := rec.Redact(o.err.Error()); m != o.err.Error() {
				o.err = errors.New(m)
			}
		}
	}()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, h.TimeoutOrDefault())
	defer cancel()
	req, err := buildRequest(ctx, h, data, id, at, rec)
	if err != nil {
		return outcome{err: err, permanent: true}
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return outcome{err: requestError(parent, h, err, time.Since(start)), latency: time.Since(start)}
	}
	excerpt, readErr := readResponse(resp.Body)
	o = outcome{status: resp.StatusCode, latency: time.Since(start), response: excerpt}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if readErr != nil {
			// The receiver accepted the request; a broken body does not
			// change that, but is worth seeing.
			o.response = strings.TrimSpace(o.response + " [reading response: " + readErr.Error() + "]")
		}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		o.err = statusError(resp, 0)
		o.permanent = true
	default:
		o.retryAfter = parseRetryAfter(resp.Header.Get(HeaderRetryAfter), time.Now())
		o.err = statusError(resp, o.retryAfter)
	}
	return o
}

// readResponse reads up to maxResponseRead bytes of body, drains the rest
// and returns a sanitised excerpt.
func readResponse(body io.ReadCloser) (string, error) {
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, maxResponseRead))
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(body, maxResponseDrain))
	}
	return excerpt(b), err
}

// excerpt returns the start of a response body fit for a terminal, a log
// or a desktop notification: valid UTF-8, no control characters, at most
// maxExcerpt bytes.
func excerpt(b []byte) string {
	if len(b) > maxExcerpt {
		b = b[:maxExcerpt]
		// Do not cut a multi-byte character in half: drop the bytes of
		// a character the cut left incomplete.
		for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ {
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}
