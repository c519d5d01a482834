package templates

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// urlPart is the URL component a placeholder stands in.
type urlPart int

const (
	inScheme urlPart = iota
	inAuthority
	inUserinfo
	inPath
	inQuery
	inFragment
)

// URL is a parsed URL template: scheme and host are literal text.
type URL struct {
	t      *Template
	scheme string
	host   string
	where  []urlPart // per part of t
}

// ParseURL parses a URL template. A placeholder in the scheme or host is an
// error, as is a scheme other than http/https or a missing host, and a
// {secret.NAME} anywhere but in the userinfo.
func ParseURL(src string) (*URL, error) { return parseURL(src, false) }

// ParseBrowserURL parses the URL template of a page a browser hook opens.
// It is ParseURL but for where a {secret.NAME} may stand: in the query
// only (https://pbx.example.com/login?token={secret.pbx}, a web page that
// logs the agent in from its URL), never in the userinfo, which a browser
// hook does not open, nor in the path or fragment. The secret then lands
// in the browser's history: hooks warn about that.
func ParseBrowserURL(src string) (*URL, error) { return parseURL(src, true) }

func parseURL(src string, browser bool) (*URL, error) {
	t, err := Parse(src)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(src, "://") {
		return nil, errAt(0, "", "URL needs a scheme and host: https://host/...")
	}
	u := &URL{t: t, where: make([]urlPart, len(t.parts))}
	state := inScheme
	var scheme, authority strings.Builder
	var pending []int // placeholders in the authority not yet followed by "@"
	endAuthority := func() error {
		for _, i := range pending {
			p := t.parts[i]
			return errAt(p.off, p.ref.Token(), "placeholders are not allowed in the URL's host")
		}
		return nil
	}
	for i, p := range t.parts {
		if p.isRef {
			switch state {
			case inScheme:
				return nil, errAt(p.off, p.ref.Token(), "placeholders are not allowed in the URL's scheme")
			case inAuthority:
				pending = append(pending, i)
			default:
				if p.ref.Name == "secret" && !(browser && state == inQuery) {
					return nil, secretMisplaced(p, browser)
				}
			}
			u.where[i] = state
			continue
		}
		for j := 0; j < len(p.lit); j++ {
			c := p.lit[j]
			switch state {
			case inScheme:
				if strings.HasPrefix(p.lit[j:], "://") {
					state = inAuthority
					j += 2
					continue
				}
				scheme.WriteByte(c)
			case inAuthority:
				switch c {
				case '@':
					for _, k := range pending {
						if browser && t.parts[k].ref.Name == "secret" {
							return nil, secretMisplaced(t.parts[k], browser)
						}
						u.where[k] = inUserinfo
					}
					pending = nil
					authority.Reset()
					continue
				case '/', '?', '#':
					if err := endAuthority(); err != nil {
						return nil, err
					}
					state = map[byte]urlPart{'/': inPath, '?': inQuery, '#': inFragment}[c]
					continue
				}
				authority.WriteByte(c)
			case inPath:
				if c == '?' {
					state = inQuery
				} else if c == '#' {
					state = inFragment
				}
			case inQuery:
				if c == '#' {
					state = inFragment
				}
			}
		}
	}
	if state == inScheme {
		return nil, errAt(0, "", "URL needs a scheme and host: https://host/...")
	}
	if state == inAuthority {
		if err := endAuthority(); err != nil {
			return nil, err
		}
	}
	u.scheme = strings.ToLower(scheme.String())
	u.host = authority.String()
	if u.scheme != "http" && u.scheme != "https" {
		return nil, errAt(0, "", "URL scheme must be http or https, not %q", scheme.String())
	}
	if u.host == "" {
		return nil, errAt(len(scheme.String())+3, "", "URL has no host")
	}
	if _, err := u.Render(Sample("", "sample", "49")); err != nil {
		return nil, err
	}
	return u, nil
}

// secretMisplaced is the error for a {secret.NAME} where the URL may not
// carry one.
func secretMisplaced(p part, browser bool) error {
	if browser {
		return errAt(p.off, p.ref.Token(), "a browser URL may carry secrets only in its query (?key={secret.NAME})")
	}
	return errAt(p.off, p.ref.Token(), "secrets are allowed only in the URL's userinfo (user:password@), headers and body")
}

// Scheme returns the literal scheme, lower case.
func (u *URL) Scheme() string { return u.scheme }

// Host returns the literal host[:port].
func (u *URL) Host() string { return u.host }

// Template returns the underlying template (for Refs and warnings).
func (u *URL) Template() *Template { return u.t }

// String returns the source text.
func (u *URL) String() string { return u.t.src }

// Render renders the URL: path placeholders percent-encoded as a path
// segment ("/" too), query placeholders query-encoded ("+" -> %2B, "&",
// "=", "#" encoded), {secret.NAME} only allowed in userinfo (in the query
// of a ParseBrowserURL). The result always has the template's scheme and
// host.
func (u *URL) Render(d Data) (string, error) {
	s, err := u.t.render(&d, func(i int, v value) string {
		return escapeURL(v.s, u.where[i] == inPath)
	}, nil)
	if err != nil {
		return "", err
	}
	// Escaping makes this hold by construction; checking it anyway means a
	// bug here fails closed instead of sending a request elsewhere.
	got, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("render URL: %w", withoutUserinfo(err))
	}
	if !strings.EqualFold(got.Scheme, u.scheme) || got.Host != u.host {
		return "", fmt.Errorf("render URL: rendered URL has %s://%s instead of %s://%s", got.Scheme, got.Host, u.scheme, u.host)
	}
	return s, nil
}

// withoutUserinfo strips the user:password part from the URL that a
// url.Parse error quotes: it may hold a secret, and errors are shown and
// logged.
func withoutUserinfo(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	stripped := stripUserinfo(ue.URL)
	return &url.Error{Op: ue.Op, URL: stripped, Err: scrubbed{ue.Err, ue.URL, stripped}}
}

// scrubbed is an error whose text had the unstripped URL replaced by the
// stripped one, should the inner error quote it too.
type scrubbed struct {
	err       error
	raw, safe string
}

func (s scrubbed) Error() string {
	msg := s.err.Error()
	if s.raw != s.safe {
		msg = strings.ReplaceAll(msg, s.raw, s.safe)
		if ui := userinfo(s.raw); ui != "" {
			msg = strings.ReplaceAll(msg, ui, "")
		}
	}
	return msg
}

func (s scrubbed) Unwrap() error { return s.err }

// stripUserinfo returns raw without the userinfo of its authority
// ("https://u:p@host/x" -> "https://host/x"). It works on text that does
// not parse as a URL, which is when it is needed.
func stripUserinfo(raw string) string {
	ui := userinfo(raw)
	if ui == "" {
		return raw
	}
	i := strings.Index(raw, "://") + len("://")
	return raw[:i] + raw[i+len(ui)+1:]
}

// userinfo returns the userinfo of raw's authority (without the "@"),
// empty if it has none.
func userinfo(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	auth := raw[i+len("://"):]
	if end := strings.IndexAny(auth, "/?#"); end >= 0 {
		auth = auth[:end]
	}
	at := strings.LastIndex(auth, "@")
	if at < 0 {
		return ""
	}
	return auth[:at]
}
