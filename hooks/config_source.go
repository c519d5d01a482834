package hooks

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Transports of a source's PBX leg, as the config spells them.
const (
	TransportUDP = "udp"
	TransportTCP = "tcp"
	TransportTLS = "tls"
)

// Transports lists the transports a source accepts, default first.
func Transports() []string { return []string{TransportUDP, TransportTCP, TransportTLS} }

func (s *Source) validate(ps *problems) {
	const path = "source"
	switch s.Mode {
	case "", SourceNone:
	case SourceProxy:
		p := s.Proxy
		const at = "source.proxy"
		if p.Listen == "" {
			ps.add(at, "", "listen", "the address to listen on for softphones is required in proxy mode (host:port, e.g. %s)", listenAddr.example)
		} else if msg := listenAddr.problem(p.Listen); msg != "" {
			ps.add(at, "", "listen", "%s", msg)
		}
		if p.Upstream == "" {
			ps.add(at, "", "upstream", "the PBX address is required in proxy mode (host or host:port, e.g. %s)", pbxAddr.example)
		} else if msg := pbxAddr.problem(p.Upstream); msg != "" {
			ps.add(at, "", "upstream", "%s", msg)
		}
		validatePBXLeg(ps, at, p.Transport, p.CAFile, p.LocalAddress)
	case SourceDialog:
		d := s.Dialog
		const at = "source.dialog"
		if d.Server == "" {
			ps.add(at, "", "server", "the PBX address is required in dialog mode (host or host:port, e.g. %s)", pbxAddr.example)
		} else if msg := pbxAddr.problem(d.Server); msg != "" {
			ps.add(at, "", "server", "%s", msg)
		}
		validatePBXLeg(ps, at, d.Transport, d.CAFile, d.LocalAddress)
		if len(d.Watch) == 0 {
			ps.add(at, "", "watch", "at least one extension to watch is required in dialog mode (e.g. 1002)")
		}
		for i, w := range d.Watch {
			if strings.TrimSpace(w) == "" || strings.ContainsAny(w, " \t\r\n@:") {
				ps.add(at, "", fmt.Sprintf("watch[%d]", i), "%q must be an extension or user name", w)
			}
		}
		if d.Expires != 0 && (d.Expires < 60 || d.Expires > 86400) {
			ps.add(at, "", "expires", "must be between 60 and 86400 seconds, not %d", d.Expires)
		}
		if d.PasswordSecret != "" && !ValidSecretName(d.PasswordSecret) {
			ps.add(at, "", "password_secret", "%q may contain only letters, digits, - and _", d.PasswordSecret)
		}
	default:
		ps.add(path, "", "mode", "must be none, proxy or dialog, not %q", s.Mode)
	}
}

// validatePBXLeg checks what both sources share about the leg to the PBX:
// its transport, the CA for TLS and the local address.
func validatePBXLeg(ps *problems, path, transport, caFile, local string) {
	switch transport {
	case "", TransportUDP, TransportTCP, TransportTLS:
	default:
		ps.add(path, "", "transport", "must be udp, tcp or tls, not %q", transport)
	}
	if caFile != "" {
		switch transport {
		case "", TransportUDP, TransportTCP:
			ps.add(path, "", "ca_file", "applies to transport tls only (transport is %s): set transport to tls or remove ca_file", orUDP(transport))
		case TransportTLS:
			if msg := caFileProblem(caFile); msg != "" {
				ps.add(path, "", "ca_file", "%s", msg)
			}
		}
	}
	if local != "" {
		if msg := localAddressProblem(local); msg != "" {
			ps.add(path, "", "local_address", "%s", msg)
		}
	}
}

func orUDP(t string) string {
	if t == "" {
		return TransportUDP
	}
	return t
}

// caFileProblem says what is wrong with a CA file, or "" when it holds at
// least one PEM certificate. The path must be absolute: the desktop app,
// `callhook run` under a service manager and `config check` in a shell do
// not share a working directory.
func caFileProblem(name string) string {
	if !filepath.IsAbs(name) {
		return fmt.Sprintf("%q must be an absolute path (callhook may start in another directory)", name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Sprintf("cannot read %q: %v", name, err)
	}
	certs, key := 0, false
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case b.Type == "CERTIFICATE":
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return fmt.Sprintf("%q: certificate %d does not parse: %v", name, certs+1, err)
			}
			certs++
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			key = true
		}
	}
	switch {
	case certs > 0:
		return ""
	case key:
		return fmt.Sprintf("%q holds a private key, not a CA certificate: use the certificate of the CA that signed the PBX's certificate", name)
	case len(data) > 0 && data[0] == 0x30 && isDERCert(data):
		return fmt.Sprintf("%q is a DER certificate, not PEM: convert it (openssl x509 -inform der -in %s -out ca.pem)", name, filepath.Base(name))
	}
	return fmt.Sprintf("%q holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----)", name)
}

// isDERCert reports whether data is one DER certificate. The bytes are
// tried as they are first: a DER certificate may end in a byte that
// bytes.TrimSpace would take for white space.
func isDERCert(data []byte) bool {
	if _, err := x509.ParseCertificate(data); err == nil {
		return true
	}
	_, err := x509.ParseCertificate(bytes.TrimSpace(data))
	return err == nil
}

// localAddressProblem checks a local_address: an IP address of this
// machine, optionally with a port ("10.0.0.5", "10.0.0.5:5080",
// "[fd00::5]:5080").
func localAddressProblem(s string) string {
	host := s
	if h, port, err := net.SplitHostPort(s); err == nil {
		if msg := portProblem(port, 0); msg != "" {
			return fmt.Sprintf("%q: %s", s, msg)
		}
		host = h
	} else if strings.Count(s, ":") == 1 {
		return fmt.Sprintf("%q must be an IP address, optionally with :port (e.g. 10.0.0.5 or 10.0.0.5:5080)", s)
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return fmt.Sprintf("%q has no IP address (e.g. 10.0.0.5:5080)", s)
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return fmt.Sprintf("%q is not an IP address: name one of this machine's addresses (e.g. 10.0.0.5), not a host name", s)
	case ip.IsUnspecified():
		return fmt.Sprintf("%q means every address: name the one address the PBX leg should use, or leave local_address empty for the route's", s)
	case ip.IsMulticast():
		return fmt.Sprintf("%q is a multicast address: name one of this machine's addresses", s)
	}
	return ""
}

// portProblem says what is wrong with a port, or "": ports from lowest
// (0 where it means "any free one", 1 where one is dialled) to 65535.
func portProblem(p string, lowest int) string {
	n, err := strconv.Atoi(p)
	switch {
	case p == "":
		return "the port is missing after the colon"
	case err != nil && allDigits(p):
		return fmt.Sprintf("port %s is out of range (%d-65535)", p, lowest)
	case err != nil:
		return fmt.Sprintf("port %q is not a number", p)
	case n < lowest || n > 65535:
		return fmt.Sprintf("port %d is out of range (%d-65535)", n, lowest)
	}
	return ""
}

func allDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// addrRule is what an address field of a source takes: the listen
// address needs a port, may leave out the host (every address) and may
// take port 0 (any free one); the PBX's address is dialled, so it needs a
// host and a real port, and its port may be left out (the transport's).
type addrRule struct {
	needPort, anyHost bool
	minPort           int
	example           string
	transport         bool // the field has a transport of its own beside it
}

var (
	listenAddr = addrRule{needPort: true, anyHost: true, example: "127.0.0.1:5070"}
	pbxAddr    = addrRule{minPort: 1, example: "pbx.example.com:5060", transport: true}
)

// uriPrefix matches what users copy along with an address from a SIP URI
// or a URL: "sip:", "sips:", "udp://", "https://".
var uriPrefix = regexp.MustCompile(`(?i)^(sips?|udp|tcp|tls|https?|wss?):(//)?`)

// problem says what is wrong with the address s, quoted first as in
// `"pbx:99999": port 99999 is out of range (1-65535)`, or "".
func (r addrRule) problem(s string) string {
	q := strconv.Quote(s)
	if extra, rest := uriExtras(s); len(extra) > 0 {
		msg := q + ": leave out " + joinAnd(extra)
		switch {
		case rest == "":
			return msg + fmt.Sprintf(" (write host:port, e.g. %s)", r.example)
		case r.transport && schemeTransport(extra[0]) != "":
			return msg + fmt.Sprintf(" (write %s and set transport to %s)", rest, schemeTransport(extra[0]))
		}
		return msg + fmt.Sprintf(" (write %s)", rest)
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		what := "a space"
		if s[i] != ' ' {
			what = "a tab or line break"
		}
		return fmt.Sprintf("%s: contains %s: write the address without spaces (e.g. %s)", q, what, r.example)
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if host == "" && !r.anyHost {
			return fmt.Sprintf("%s: the host is missing before the port (e.g. %s)", q, r.example)
		}
		if msg := portProblem(port, r.minPort); msg != "" {
			return q + ": " + msg
		}
		return ""
	}
	_, examplePort, _ := net.SplitHostPort(r.example)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if net.ParseIP(s[1:len(s)-1]) == nil {
			return fmt.Sprintf("%s: only an IPv6 address goes in brackets (e.g. [fd00::5]:%s)", q, examplePort)
		}
		if r.needPort {
			return fmt.Sprintf("%s: the port is missing (e.g. %s:%s)", q, s, examplePort)
		}
		return ""
	}
	switch strings.Count(s, ":") {
	case 0:
		if r.needPort {
			return fmt.Sprintf("%s: the port is missing (e.g. %s)", q, net.JoinHostPort(s, examplePort))
		}
		return ""
	case 1:
		return fmt.Sprintf("%s must be host or host:port (e.g. %s)", q, r.example)
	}
	// More colons than host:port has: an IPv6 address written without the
	// brackets that set it apart from its port.
	if i := strings.LastIndex(s, ":"); net.ParseIP(s[:i]) != nil && allDigits(s[i+1:]) {
		return fmt.Sprintf("%s: put the IPv6 address in brackets, the port after them: %s", q, net.JoinHostPort(s[:i], s[i+1:]))
	}
	if net.ParseIP(s) != nil {
		if r.needPort {
			return fmt.Sprintf("%s: put the IPv6 address in brackets and add the port: %s", q, net.JoinHostPort(s, examplePort))
		}
		return fmt.Sprintf("%s: put the IPv6 address in brackets: [%s]", q, s)
	}
	return fmt.Sprintf("%s has more than one colon: write host:port (e.g. %s)", q, r.example)
}

// uriExtras splits off what a SIP URI or URL carries around the host and
// port: the scheme ("sip:"), the user ("1002@"), and a path or parameters
// ("/x", ";transport=tcp"). It returns those parts and what is left.
func uriExtras(s string) (extra []string, rest string) {
	rest = s
	// "sip:5060" is the host "sip" and a port, not a scheme.
	if m := uriPrefix.FindString(rest); m != "" && !allDigits(rest[len(m):]) {
		extra, rest = append(extra, m), rest[len(m):]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		extra, rest = append(extra, rest[:i+1]), rest[i+1:]
	}
	if i := strings.IndexAny(rest, "/;?"); i >= 0 {
		extra, rest = append(extra, rest[i:]), rest[:i]
	}
	return extra, rest
}

// schemeTransport returns the transport a scheme asks for ("tls" for
// "tls://" and "sips:"), or "".
func schemeTransport(scheme string) string {
	switch t := strings.ToLower(strings.TrimRight(scheme, ":/")); t {
	case TransportUDP, TransportTCP, TransportTLS:
		return t
	case "sips":
		return TransportTLS
	}
	return ""
}

// joinAnd lists parts as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// warnings lists what is valid but probably a mistake: TLS to SIP's
// plain port, or plain SIP to the TLS port. Both fail with errors that do
// not name the cause (a handshake that times out, a 408).
func (s *Source) warnings() []Problem {
	var out []Problem
	check := func(path, field, addr, transport string) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return
		}
		var msg string
		switch {
		case transport == TransportTLS && port == "5060":
			msg = "port 5060 is SIP's plain port; with transport tls the PBX usually listens on 5061"
		case transport != TransportTLS && port == "5061":
			msg = fmt.Sprintf("port 5061 is SIP's TLS port; transport is %s: set transport to tls if the PBX expects TLS there", orUDP(transport))
		default:
			return
		}
		out = append(out, Problem{Path: join(path, field), Field: field, Message: msg})
	}
	switch s.Mode {
	case SourceProxy:
		check("source.proxy", "upstream", s.Proxy.Upstream, s.Proxy.Transport)
	case SourceDialog:
		check("source.dialog", "server", s.Dialog.Server, s.Dialog.Transport)
	}
	return out
}
