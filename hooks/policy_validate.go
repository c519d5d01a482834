package hooks

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// PolicyError lists every problem of a policy at once, naming the policy:
// the user cannot fix it, and must be able to tell the administrator
// where to look.
type PolicyError struct {
	Origin   string
	Problems []Problem
}

func (e *PolicyError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid policy " + e.Origin + ": " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid policy %s: %d problems:", e.Origin, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Validate checks p and returns a *PolicyError listing every problem, or
// nil. A managed hook must be a valid hook; the source a valid source.
func (p *Policy) Validate() error {
	var ps problems
	if p.Version != 0 && p.Version != PolicyVersion {
		ps.add("", "", "version", "must be %d, not %d", PolicyVersion, p.Version)
	}
	for i, h := range p.AllowedHosts {
		if msg := hostPatternProblem(h); msg != "" {
			ps.add("", "", fmt.Sprintf("allowed_hosts[%d]", i), "%s", msg)
		}
	}
	if p.Source != nil {
		p.Source.validate(&ps)
	}
	ids := map[string]bool{}
	for i := range p.Hooks {
		h := &p.Hooks[i].Hook
		path := fmt.Sprintf("hooks[%d]", i)
		switch {
		case h.ID == "":
			ps.add(path, "", "id", "is required (letters, digits, - and _)")
		case !ValidHookID(h.ID):
			ps.add(path, h.ID, "id", "%q may contain only letters, digits, - and _", h.ID)
		case ids[h.ID]:
			ps.add(path, h.ID, "id", "%q is used by another managed hook", h.ID)
		default:
			path = "hooks[" + h.ID + "]"
		}
		ids[h.ID] = true
		h.validate(&ps, path)
	}
	if u := p.ProvisioningURL; u != "" {
		if msg := provisioningURLProblem(u); msg != "" {
			ps.add("", "", "provisioning_url", "%s", msg)
		}
	}
	if s := p.ProvisioningTokenSecret; s != "" {
		switch {
		case !ValidSecretName(s):
			ps.add("", "", "provisioning_token_secret", "%q may contain only letters, digits, - and _", s)
		case p.ProvisioningURL == "":
			ps.add("", "", "provisioning_token_secret", "is sent to provisioning_url, which is not set")
		}
	}
	if len(ps.list) > 0 {
		origin := p.Origin
		if origin == "" {
			origin = "(no origin)"
		}
		return &PolicyError{Origin: origin, Problems: ps.list}
	}
	return nil
}

// provisioningURLProblem says what is wrong with a provisioning URL, or
// "": https only, since the policy decides where the user's calls are
// sent.
func provisioningURLProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL", s)
	case u.Scheme != "https":
		return fmt.Sprintf("%q must be an https URL: a policy decides where calls are sent, and must not be open to tampering on the way", s)
	case u.Host == "":
		return fmt.Sprintf("%q has no host", s)
	case u.User != nil:
		return fmt.Sprintf("%q: put no credentials in the URL; name a keychain secret in provisioning_token_secret", s)
	}
	return ""
}

// hostPatternProblem says what is wrong with an allowed_hosts entry, or
// "": a host name, an IP address, or "*." and a domain.
func hostPatternProblem(pattern string) string {
	q := fmt.Sprintf("%q", pattern)
	h := pattern
	if strings.Contains(h, "://") || strings.ContainsAny(h, "/?#@") {
		if u, err := url.Parse(h); err == nil && u.Hostname() != "" {
			return q + ": write the host only, e.g. " + u.Hostname()
		}
		return q + ": write a host name only, e.g. crm.example.com"
	}
	if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
		return ""
	}
	if _, _, err := net.SplitHostPort(h); err == nil {
		return q + ": write the host without a port: every port of the host is allowed"
	}
	h = strings.TrimPrefix(h, "*.")
	if h == "" {
		return q + ": name a host (crm.example.com) or a domain's hosts (*.example.org)"
	}
	if strings.Contains(h, "*") {
		return q + ": a wildcard may only begin the entry, as in *.example.org"
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") ||
			strings.Trim(strings.ToLower(label), "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return q + " is not a host name (letters, digits and - between dots, e.g. crm.example.com)"
		}
	}
	return ""
}
