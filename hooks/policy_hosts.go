package hooks

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/callhook/callhook/templates"
)

// ErrHostNotAllowed is wrapped by every refusal of a hook URL whose host
// the policy's allowed_hosts does not list.
var ErrHostNotAllowed = errors.New("host not allowed by the policy")

// ErrHooksOff is wrapped by the refusal of a delivery while the policy
// switches hooks off.
var ErrHooksOff = errors.New("hooks are switched off by the policy")

// HostAllowed reports whether the policy lets hook URLs name host (a
// host name or IP address, with or without a port).
func (p *Policy) HostAllowed(host string) bool {
	if p == nil || p.AllowedHosts == nil {
		return true
	}
	host = normalHost(host)
	if host == "" {
		return false
	}
	for _, pat := range p.AllowedHosts {
		pat = strings.ToLower(strings.TrimSuffix(strings.Trim(pat, "[]"), "."))
		if rest, ok := strings.CutPrefix(pat, "*."); ok {
			if strings.HasSuffix(host, "."+rest) {
				return true
			}
			continue
		}
		if host == pat {
			return true
		}
	}
	return false
}

// CheckURL is the check the editor runs as the user types a hook's URL
// (and config check and delivery run on every hook): nil when the
// policy allows the URL's host, else a *HostError (ErrHostNotAllowed)
// naming the host, the allowed hosts and the policy. A URL whose
// host cannot be told is refused while hosts are restricted; that it
// does not parse at all is validation's to say.
func (p *Policy) CheckURL(rawURL string) error {
	if p == nil || p.AllowedHosts == nil {
		return nil
	}
	host := urlHost(rawURL)
	if host == "" {
		return fmt.Errorf("%w: the URL names no host the policy %s could allow", ErrHostNotAllowed, p.hostsOrigin())
	}
	if p.HostAllowed(host) {
		return nil
	}
	return &HostError{Host: normalHost(host), Allowed: slices.Clone(p.AllowedHosts), Policy: p.hostsOrigin()}
}

// HostError is the refusal of a hook URL's host: it names the host, the
// hosts the policy allows and the policy. It is ErrHostNotAllowed.
type HostError struct {
	Host    string
	Allowed []string
	Policy  string
}

func (e *HostError) Error() string {
	allowed := "none"
	if len(e.Allowed) > 0 {
		allowed = strings.Join(e.Allowed, ", ")
	}
	return fmt.Sprintf("host %q is not in allowed_hosts of the policy %s (allowed: %s)", e.Host, e.Policy, allowed)
}

// Is makes errors.Is(err, ErrHostNotAllowed) hold.
func (e *HostError) Is(target error) bool { return target == ErrHostNotAllowed }

// urlHost returns the host[:port] a hook URL names: the literal host of
// its template (placeholders are not allowed there), else what net/url
// makes of it.
func urlHost(rawURL string) string {
	if u, err := templates.ParseURL(rawURL); err == nil {
		return u.Host()
	}
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return ""
}

// normalHost lower-cases host and drops its port, an IPv6 address's
// brackets and a trailing dot.
func normalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// refuse says why the policy refuses a delivery of h now, or nil: hooks
// switched off, or h's host not allowed. Deliveries are checked at their
// attempt, against the policy then in force: one queued before the
// administrator narrowed the hosts is not sent.
func (p *Policy) refuse(h *Hook) error {
	if p == nil {
		return nil
	}
	if !p.Enabled() {
		return fmt.Errorf("hook %s: %w %s: nothing is sent", h.ID, ErrHooksOff, p.Origin)
	}
	if err := p.CheckURL(h.URL); err != nil {
		return fmt.Errorf("hook %s: %w: no request sent", h.ID, err)
	}
	return nil
}
