package hooks

import (
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// Problem is one thing wrong with a config, named so that the user finds
// it: Path is where it is ("hooks[crm].url"), Hook the hook's id when it
// is about a hook, Field the key.
type Problem struct {
	Path    string
	Hook    string
	Field   string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem of a config at once, so the user
// fixes them in one pass.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid config: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid config: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

var (
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	tokenPattern = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	ccPattern    = regexp.MustCompile(`^[1-9][0-9]{0,3}$`)
)

// ValidSecretName reports whether name can name a secret: letters,
// digits, "-" and "_", as in {secret.NAME}.
func ValidSecretName(name string) bool { return namePattern.MatchString(name) }

// ValidHookID reports whether id can be a hook's id.
func ValidHookID(id string) bool { return namePattern.MatchString(id) }

// problems collects Problems under a path prefix.
type problems struct {
	list []Problem
}

func (ps *problems) add(path, hook, field, format string, args ...any) {
	ps.list = append(ps.list, Problem{Path: join(path, field), Hook: hook, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Validate checks c and returns a *ValidationError listing every problem,
// or nil.
func (c *Config) Validate() error {
	var ps problems
	if c.Version != ConfigVersion {
		ps.add("", "", "version", "must be %d, not %d", ConfigVersion, c.Version)
	}
	if c.CountryCode != "" && !ccPattern.MatchString(c.CountryCode) {
		ps.add("", "", "country_code", "must be the country code's digits without + or 00 (e.g. 49), not %q", c.CountryCode)
	}
	if l := c.UI.Language; l != "" && l != "en" && l != "de" {
		ps.add("ui", "", "language", `must be "en", "de" or empty (follow the system), not %q`, l)
	}
	c.Source.validate(&ps)
	seen := map[string]bool{}
	for i, q := range c.Queues {
		path := fmt.Sprintf("queues[%d]", i)
		switch {
		case q.Name == "":
			ps.add(path, "", "name", "is required")
		case seen[q.Name]:
			ps.add(path, "", "name", "%q is used by another queue", q.Name)
		}
		seen[q.Name] = true
		if len(q.Numbers) == 0 && q.DisplayPrefix == "" && q.Header == "" {
			ps.add(path, "", "numbers", "a queue needs numbers, display_prefix or header to recognise its calls")
		}
		for j, n := range q.Numbers {
			if strings.TrimSpace(n) == "" {
				ps.add(path, "", fmt.Sprintf("numbers[%d]", j), "is empty")
			}
		}
		if q.Header != "" && !tokenPattern.MatchString(q.Header) {
			ps.add(path, "", "header", "%q is not a valid header name", q.Header)
		}
	}
	ids := map[string]bool{}
	for i := range c.Hooks {
		h := &c.Hooks[i]
		path := fmt.Sprintf("hooks[%d]", i)
		switch {
		case h.ID == "":
			ps.add(path, "", "id", "is required (letters, digits, - and _)")
		case !ValidHookID(h.ID):
			ps.add(path, h.ID, "id", "%q may contain only letters, digits, - and _", h.ID)
		case ids[h.ID]:
			ps.add(path, h.ID, "id", "%q is used by another hook", h.ID)
		default:
			path = "hooks[" + h.ID + "]"
		}
		ids[h.ID] = true
		h.validate(&ps, path)
	}
	if len(ps.list) > 0 {
		return &ValidationError{Problems: ps.list}
	}
	return nil
}

// reservedHeaders are set by the dispatcher; a hook setting them would
// break signing or the request itself.
var reservedHeaders = []string{"Host", "Content-Length", "Transfer-Encoding", "Connection", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"}

func (h *Hook) validate(ps *problems, path string) {
	id := h.ID
	if len(h.Triggers) == 0 {
		ps.add(path, id, "triggers", "needs at least one trigger (e.g. incoming.answer)")
	}
	seen := map[call.Trigger]bool{}
	for i, t := range h.Triggers {
		switch {
		case !t.Valid():
			ps.add(path, id, fmt.Sprintf("triggers[%d]", i), "%q is not a trigger (known: %s)", t, triggerNames())
		case seen[t]:
			ps.add(path, id, fmt.Sprintf("triggers[%d]", i), "%q is listed twice", t)
		}
		seen[t] = true
	}
	switch h.Action {
	case ActionGet, ActionPost, ActionBrowser:
	default:
		ps.add(path, id, "action", "must be get, post or browser, not %q", h.Action)
	}
	if h.URL == "" {
		ps.add(path, id, "url", "is required")
	} else if _, err := h.ParseURL(); err != nil {
		// A browser URL may carry a secret in its query only, which
		// Warnings points out.
		ps.add(path, id, "url", "%v", err)
	}
	if h.Action != ActionPost {
		if h.Body != "" {
			ps.add(path, id, "body", "only a post hook sends a body")
		}
		if h.ContentType != "" {
			ps.add(path, id, "content_type", "only a post hook sends a body")
		}
	} else {
		h.validateBody(ps, path)
	}
	if h.Action == ActionBrowser && len(h.Headers) > 0 {
		ps.add(path, id, "headers", "a browser hook cannot send headers")
	}
	for _, name := range sortedKeys(anyMap(h.Headers)) {
		field := "headers[" + strconv.Quote(name) + "]"
		switch {
		case !tokenPattern.MatchString(name):
			ps.add(path, id, field, "%q is not a valid header name", name)
			continue
		case reserved(name):
			ps.add(path, id, field, "%s is set by Callhook itself", name)
			continue
		}
		v := h.Headers[name]
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			ps.add(path, id, field, "contains control characters")
		} else if _, err := templates.Parse(v); err != nil {
			ps.add(path, id, field, "%v", err)
		}
	}
	if h.Timeout < 0 || time.Duration(h.Timeout) > MaxTimeout {
		ps.add(path, id, "timeout", "must be positive and at most %s, not %s", MaxTimeout, time.Duration(h.Timeout))
	}
	if h.Retries != nil && (*h.Retries < 0 || *h.Retries > MaxRetries) {
		ps.add(path, id, "retries", "must be 0 to %d, not %d", MaxRetries, *h.Retries)
	}
	if h.SigningSecret != "" && !ValidSecretName(h.SigningSecret) {
		ps.add(path, id, "signing_secret", "%q may contain only letters, digits, - and _", h.SigningSecret)
	}
}

func (h *Hook) validateBody(ps *problems, path string) {
	if h.ContentType != "" {
		if mt, _, err := mime.ParseMediaType(h.ContentType); err != nil || !strings.Contains(mt, "/") {
			ps.add(path, h.ID, "content_type", "%q is not a media type (e.g. application/json)", h.ContentType)
			return
		}
	}
	if h.Body == "" {
		return
	}
	if _, err := templates.ParseBody(h.Body, h.ContentTypeOrDefault()); err != nil {
		if h.ContentType == "" {
			ps.add(path, h.ID, "body", "%v (without content_type the body is sent as %s)", err, DefaultContentType)
			return
		}
		ps.add(path, h.ID, "body", "%v", err)
	}
}

func reserved(name string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

func triggerNames() string {
	var names []string
	for _, t := range call.Triggers() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = nil
	}
	return out
}

// Warnings lists what is valid but probably not meant: a source's port
// that does not fit its transport, placeholders a hook's triggers cannot
// fill, which render empty, caller-controlled placeholders in a body
// whose content type Callhook cannot escape for, and secrets in a browser
// URL, which the browser's history keeps.
func (c *Config) Warnings() []Problem {
	out := c.Source.warnings()
	for i := range c.Hooks {
		h := &c.Hooks[i]
		path := "hooks[" + h.ID + "]"
		if h.ID == "" {
			path = fmt.Sprintf("hooks[%d]", i)
		}
		warn := func(field string, t *templates.Template) {
			for _, w := range templates.Warnings(t, h.Triggers) {
				out = append(out, Problem{Path: join(path, field), Hook: h.ID, Field: field, Message: w})
			}
		}
		if u, err := h.ParseURL(); err == nil {
			warn("url", u.Template())
		}
		out = append(out, h.browserSecretWarnings(path)...)
		if h.Body != "" {
			if b, err := templates.ParseBody(h.Body, h.ContentTypeOrDefault()); err == nil {
				warn("body", b.Template())
				if u := b.Unescaped(); len(u) > 0 && h.Action == ActionPost {
					out = append(out, Problem{Path: join(path, "body"), Hook: h.ID, Field: "body",
						Message: unescapedWarning(h.ContentTypeOrDefault(), u)})
				}
			}
		}
		for _, name := range sortedKeys(anyMap(h.Headers)) {
			if t, err := templates.Parse(h.Headers[name]); err == nil {
				warn("headers["+strconv.Quote(name)+"]", t)
			}
		}
	}
	return out
}

// unescapedWarning says that the caller's text goes out raw in a body of
// content type ct.
func unescapedWarning(ct string, placeholders []string) string {
	return fmt.Sprintf("content type %q has no escaping, so %s go out exactly as the caller sent them and can change the body; "+
		"use a JSON, form or XML content type, or the |digits or |e164 filter", ct, strings.Join(placeholders, ", "))
}
