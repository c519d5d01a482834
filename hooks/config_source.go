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
	"strconv"
	"strings"
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
			ps.add(at, "", "listen", "is required in proxy mode (e.g. 127.0.0.1:5070)")
		} else if _, port, err := net.SplitHostPort(p.Listen); err != nil {
			ps.add(at, "", "listen", "%q must be host:port (e.g. 127.0.0.1:5070)", p.Listen)
		} else if msg := portProblem(port); msg != "" {
			ps.add(at, "", "listen", "%q: %s", p.Listen, msg)
		}
		if p.Upstream == "" {
			ps.add(at, "", "upstream", "is required in proxy mode: your PBX (e.g. pbx.example.com:5060)")
		} else if msg := hostPortProblem(p.Upstream); msg != "" {
			ps.add(at, "", "upstream", "%q: %s", p.Upstream, msg)
		}
		validatePBXLeg(ps, at, p.Transport, p.CAFile, p.LocalAddress)
	case SourceDialog:
		d := s.Dialog
		const at = "source.dialog"
		if d.Server == "" {
			ps.add(at, "", "server", "is required in dialog mode: your PBX (e.g. pbx.example.com:5060)")
		} else if msg := hostPortProblem(d.Server); msg != "" {
			ps.add(at, "", "server", "%q: %s", d.Server, msg)
		}
		validatePBXLeg(ps, at, d.Transport, d.CAFile, d.LocalAddress)
		if len(d.Watch) == 0 {
			ps.add(at, "", "watch", "needs at least one extension to watch")
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
		if msg := portProblem(port); msg != "" {
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

// portProblem says what is wrong with a port, or "".
func portProblem(p string) string {
	n, err := strconv.Atoi(p)
	switch {
	case p == "":
		return "the port is missing after the colon"
	case err != nil && strings.Trim(p, "0123456789") == "":
		return fmt.Sprintf("port %s is out of range (0-65535)", p)
	case err != nil:
		return fmt.Sprintf("port %q is not a number", p)
	case n < 0 || n > 65535:
		return fmt.Sprintf("port %d is out of range (0-65535)", n)
	}
	return ""
}

// hostPortProblem checks "host" and "host:port".
func hostPortProblem(s string) string {
	const want = "must be host or host:port (e.g. pbx.example.com:5060)"
	if strings.ContainsAny(s, " /\t\r\n") {
		return want
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if host == "" {
			return "the host is missing before the port"
		}
		return portProblem(port)
	}
	if !strings.Contains(s, ":") || (strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")) {
		return ""
	}
	return want
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
