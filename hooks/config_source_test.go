package hooks_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
)

// caFiles writes the files the ca_file cases point at into a temporary
// directory and returns their paths by name.
func caFiles(t *testing.T) map[string]string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Office PBX CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	// A DER certificate ends in a signature byte, which is white space
	// for bytes.TrimSpace about once in 40 certificates; CI once failed
	// on that. Sign until one does, so the case is always tried.
	var derSpace []byte
	for i := 0; i < 10000 && derSpace == nil; i++ {
		d, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		if last := d[len(d)-1]; last == ' ' || last == '\n' || last == '\r' || last == '\t' || last == '\v' || last == '\f' {
			derSpace = d
		}
	}
	if derSpace == nil {
		t.Fatal("no certificate ending in a white-space byte in 10000 signatures")
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	dir := t.TempDir()
	files := map[string][]byte{
		"ca.pem":     certPEM,
		"bundle.pem": append(append([]byte("# office CA\n"), certPEM...), certPEM...),
		"key.pem":    keyPEM,
		"ca.der":     der,
		"space.der":  derSpace,
		"empty.pem":  nil,
		"text.pem":   []byte("not a certificate\n"),
		"broken.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("garbage")}),
	}
	out := map[string]string{"dir": dir, "missing.pem": filepath.Join(dir, "missing.pem")}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

func TestValidateSourcePBXLeg(t *testing.T) {
	f := caFiles(t)
	proxy := func(transport, ca, local string) func(*hooks.Config) {
		return func(c *hooks.Config) {
			c.Source.Proxy.Transport, c.Source.Proxy.CAFile, c.Source.Proxy.LocalAddress = transport, ca, local
		}
	}
	dialog := func(transport, ca, local string) func(*hooks.Config) {
		return func(c *hooks.Config) {
			c.Source.Mode = hooks.SourceDialog
			c.Source.Dialog.Transport, c.Source.Dialog.CAFile, c.Source.Dialog.LocalAddress = transport, ca, local
		}
	}
	tests := []struct {
		name   string
		mutate func(*hooks.Config)
		want   string // "" means valid
	}{
		{"proxy udp", proxy("udp", "", ""), ""},
		{"proxy default transport", proxy("", "", ""), ""},
		{"proxy tcp", proxy("tcp", "", ""), ""},
		{"proxy tls", proxy("tls", "", ""), ""},
		{"dialog tls", dialog("tls", "", ""), ""},
		{"proxy unknown transport", proxy("sctp", "", ""), `source.proxy.transport: must be udp, tcp or tls, not "sctp"`},
		{"dialog unknown transport", dialog("wss", "", ""), `source.dialog.transport: must be udp, tcp or tls, not "wss"`},
		{"transport is lower case", proxy("TLS", "", ""), `source.proxy.transport: must be udp, tcp or tls, not "TLS"`},

		{"proxy tls with ca file", proxy("tls", f["ca.pem"], ""), ""},
		{"dialog tls with ca file", dialog("tls", f["ca.pem"], ""), ""},
		{"ca bundle with text around", proxy("tls", f["bundle.pem"], ""), ""},
		{"ca file with udp", proxy("udp", f["ca.pem"], ""), "source.proxy.ca_file: applies to transport tls only (transport is udp): set transport to tls or remove ca_file"},
		{"ca file with default transport", dialog("", f["ca.pem"], ""), "source.dialog.ca_file: applies to transport tls only (transport is udp)"},
		{"ca file with tcp", dialog("tcp", f["ca.pem"], ""), "source.dialog.ca_file: applies to transport tls only (transport is tcp)"},
		{"ca file relative", proxy("tls", "ca.pem", ""), `source.proxy.ca_file: "ca.pem" must be an absolute path`},
		{"ca file missing", proxy("tls", f["missing.pem"], ""), `source.proxy.ca_file: cannot read "` + f["missing.pem"] + `": no such file or directory`},
		{"ca file is a directory", dialog("tls", f["dir"], ""), `source.dialog.ca_file: cannot read "` + f["dir"] + `": is a directory`},
		{"ca file empty", proxy("tls", f["empty.pem"], ""), "holds no PEM certificate"},
		{"ca file text", dialog("tls", f["text.pem"], ""), `source.dialog.ca_file: "` + f["text.pem"] + `" holds no PEM certificate`},
		{"ca file is a key", proxy("tls", f["key.pem"], ""), "holds a private key, not a CA certificate"},
		{"ca file is DER", proxy("tls", f["ca.der"], ""), "is a DER certificate, not PEM: convert it (openssl x509 -inform der -in ca.der -out ca.pem)"},
		{"ca file is DER ending in a space byte", proxy("tls", f["space.der"], ""), "is a DER certificate, not PEM: convert it (openssl x509 -inform der -in space.der -out ca.pem)"},
		{"ca file broken certificate", proxy("tls", f["broken.pem"], ""), "certificate 1 does not parse"},
		{"ca file of the other source is not checked", func(c *hooks.Config) { c.Source.Dialog.CAFile = "ca.pem" }, ""},

		{"local address ip", proxy("", "", "10.0.0.5"), ""},
		{"local address ip and port", proxy("tls", "", "10.0.0.5:5080"), ""},
		{"local address ipv6", dialog("", "", "fd00::5"), ""},
		{"local address ipv6 and port", dialog("", "", "[fd00::5]:5080"), ""},
		{"local address ipv6 in brackets", proxy("", "", "[fd00::5]"), ""},
		{"local address port out of range", proxy("", "", "10.0.0.5:99999"), `source.proxy.local_address: "10.0.0.5:99999": port 99999 is out of range (0-65535)`},
		{"local address huge port", proxy("", "", "10.0.0.5:99999999999999999999"), "port 99999999999999999999 is out of range"},
		{"local address port not a number", dialog("", "", "10.0.0.5:sip"), `source.dialog.local_address: "10.0.0.5:sip": port "sip" is not a number`},
		{"local address host name", proxy("", "", "myhost.lan"), `source.proxy.local_address: "myhost.lan" is not an IP address: name one of this machine's addresses (e.g. 10.0.0.5), not a host name`},
		{"local address host name and port", dialog("", "", "myhost.lan:5080"), `"myhost.lan:5080" is not an IP address`},
		{"local address port only", proxy("", "", ":5080"), `source.proxy.local_address: ":5080" has no IP address`},
		{"local address trailing colon", proxy("", "", "10.0.0.5:"), `"10.0.0.5:": the port is missing after the colon`},
		{"local address any", proxy("", "", "0.0.0.0"), `"0.0.0.0" means every address`},
		{"local address ipv6 any", dialog("", "", "[::]:5080"), `"[::]:5080" means every address`},
		{"local address multicast", proxy("", "", "224.0.0.1"), "is a multicast address"},
		{"local address with zone", proxy("", "", "fe80::1%eth0"), "is not an IP address"},
		{"local address of the other source is not checked", func(c *hooks.Config) { c.Source.Dialog.LocalAddress = "x" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkOneProblem(t, tt.mutate, tt.want) })
	}
}

func TestWarningsSourcePort(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*hooks.Config)
		want   string // "" means no warning
	}{
		{"udp to 5060", func(c *hooks.Config) {}, ""},
		{"tls to 5061", func(c *hooks.Config) {
			c.Source.Proxy.Transport, c.Source.Proxy.Upstream = "tls", "pbx.example.com:5061"
		}, ""},
		{"tls without port", func(c *hooks.Config) {
			c.Source.Proxy.Transport, c.Source.Proxy.Upstream = "tls", "pbx.example.com"
		}, ""},
		{"tls to 5060", func(c *hooks.Config) { c.Source.Proxy.Transport = "tls" },
			"source.proxy.upstream: port 5060 is SIP's plain port; with transport tls the PBX usually listens on 5061"},
		{"udp to 5061", func(c *hooks.Config) {
			c.Source.Mode, c.Source.Dialog.Transport, c.Source.Dialog.Server = hooks.SourceDialog, "", "pbx.example.com:5061"
		}, "source.dialog.server: port 5061 is SIP's TLS port; transport is udp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadValid(t)
			tt.mutate(c)
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			var got []string
			for _, w := range c.Warnings() {
				got = append(got, w.String())
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("warnings %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("warnings %q, want one containing %q", got, tt.want)
			}
		})
	}
}

// TestValidateSourceAddresses: each problem of an address field says what
// is wrong with it (the port, the host, a scheme typed along), after the
// config path, with the value quoted as local_address does.
func TestValidateSourceAddresses(t *testing.T) {
	listen := func(v string) func(*hooks.Config) { return func(c *hooks.Config) { c.Source.Proxy.Listen = v } }
	upstream := func(v string) func(*hooks.Config) { return func(c *hooks.Config) { c.Source.Proxy.Upstream = v } }
	server := func(v string) func(*hooks.Config) {
		return func(c *hooks.Config) { c.Source.Mode, c.Source.Dialog.Server = hooks.SourceDialog, v }
	}
	tests := []struct {
		name   string
		mutate func(*hooks.Config)
		want   string // the whole problem; "" means valid
	}{
		{"upstream host", upstream("pbx.example.com"), ""},
		{"upstream host and port", upstream("pbx.example.com:5060"), ""},
		{"upstream ipv4", upstream("10.0.0.1"), ""},
		{"upstream ipv6 in brackets", upstream("[fd00::1]"), ""},
		{"upstream ipv6 in brackets with port", upstream("[fd00::1]:5060"), ""},
		{"upstream host named sip", upstream("sip:5060"), ""},
		{"listen any address", listen(":5070"), ""},
		{"listen any free port", listen("127.0.0.1:0"), ""},
		{"listen ipv6", listen("[::1]:5070"), ""},
		{"server host", server("pbx.example.com"), ""},

		{"upstream required", upstream(""),
			"source.proxy.upstream: the PBX address is required in proxy mode (host or host:port, e.g. pbx.example.com:5060)"},
		{"listen required", listen(""),
			"source.proxy.listen: the address to listen on for softphones is required in proxy mode (host:port, e.g. 127.0.0.1:5070)"},
		{"server required", server(""),
			"source.dialog.server: the PBX address is required in dialog mode (host or host:port, e.g. pbx.example.com:5060)"},

		{"upstream port out of range", upstream("1.2.3.4:99999"),
			`source.proxy.upstream: "1.2.3.4:99999": port 99999 is out of range (1-65535)`},
		{"upstream port zero", upstream("pbx.example.com:0"),
			`source.proxy.upstream: "pbx.example.com:0": port 0 is out of range (1-65535)`},
		{"upstream huge port", upstream("pbx:123456789012345678901"),
			`source.proxy.upstream: "pbx:123456789012345678901": port 123456789012345678901 is out of range (1-65535)`},
		{"upstream port not a number", upstream("pbx.example.com:sip"),
			`source.proxy.upstream: "pbx.example.com:sip": port "sip" is not a number`},
		{"upstream trailing colon", upstream("pbx.example.com:"),
			`source.proxy.upstream: "pbx.example.com:": the port is missing after the colon`},
		{"upstream without host", upstream(":5060"),
			`source.proxy.upstream: ":5060": the host is missing before the port (e.g. pbx.example.com:5060)`},
		{"upstream sip uri", upstream("sip:pbx.example.com"),
			`source.proxy.upstream: "sip:pbx.example.com": leave out sip: (write pbx.example.com)`},
		{"upstream sip uri with user and parameters", upstream("sip:1002@pbx.example.com:5060;transport=tcp"),
			`source.proxy.upstream: "sip:1002@pbx.example.com:5060;transport=tcp": leave out sip:, 1002@ and ;transport=tcp (write pbx.example.com:5060)`},
		{"upstream transport as scheme", upstream("udp://pbx.example.com:5060"),
			`source.proxy.upstream: "udp://pbx.example.com:5060": leave out udp:// (write pbx.example.com:5060 and set transport to udp)`},
		{"server sips uri", server("sips:pbx.example.com:5061"),
			`source.dialog.server: "sips:pbx.example.com:5061": leave out sips: (write pbx.example.com:5061 and set transport to tls)`},
		{"server url", server("https://pbx.example.com/admin"),
			`source.dialog.server: "https://pbx.example.com/admin": leave out https:// and /admin (write pbx.example.com)`},
		{"server scheme alone", server("sip:"),
			`source.dialog.server: "sip:": leave out sip: (write host:port, e.g. pbx.example.com:5060)`},
		{"listen with scheme", listen("udp://127.0.0.1:5070"),
			`source.proxy.listen: "udp://127.0.0.1:5070": leave out udp:// (write 127.0.0.1:5070)`},
		{"upstream with a space", upstream("pbx example.com"),
			`source.proxy.upstream: "pbx example.com": contains a space: write the address without spaces (e.g. pbx.example.com:5060)`},
		{"server with a tab", server("pbx.example.com\t:5060"),
			`source.dialog.server: "pbx.example.com\t:5060": contains a tab or line break`},
		{"upstream ipv6 with port, no brackets", upstream("fd00::1:5060"),
			`source.proxy.upstream: "fd00::1:5060": put the IPv6 address in brackets, the port after them: [fd00::1]:5060`},
		{"server ipv6 without brackets", server("fd00::1"),
			`source.dialog.server: "fd00::1": put the IPv6 address in brackets: [fd00::1]`},
		{"listen ipv6 without brackets or port", listen("::1"),
			`source.proxy.listen: "::1": put the IPv6 address in brackets and add the port: [::1]:5070`},
		{"upstream host in brackets", upstream("[pbx.example.com]"),
			`source.proxy.upstream: "[pbx.example.com]": only an IPv6 address goes in brackets (e.g. [fd00::5]:5060)`},
		{"upstream two ports", upstream("pbx.example.com:5060:5060"),
			`source.proxy.upstream: "pbx.example.com:5060:5060" has more than one colon: write host:port (e.g. pbx.example.com:5060)`},
		{"listen without port", listen("127.0.0.1"),
			`source.proxy.listen: "127.0.0.1": the port is missing (e.g. 127.0.0.1:5070)`},
		{"listen ipv6 in brackets without port", listen("[::1]"),
			`source.proxy.listen: "[::1]": the port is missing (e.g. [::1]:5070)`},
		{"listen port out of range", listen("127.0.0.1:70000"),
			`source.proxy.listen: "127.0.0.1:70000": port 70000 is out of range (0-65535)`},
		{"listen port not a number", listen("127.0.0.1:sip"),
			`source.proxy.listen: "127.0.0.1:sip": port "sip" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkOneProblem(t, tt.mutate, tt.want)
			if tt.want == "" {
				return
			}
			// The whole message, not only its start: no trailing clause
			// that says something else.
			c := loadValid(t)
			tt.mutate(c)
			var ve *hooks.ValidationError
			if errors.As(c.Validate(), &ve) && !strings.HasPrefix(ve.Problems[0].String(), tt.want) {
				t.Errorf("problem %q\ndoes not start with %q", ve.Problems[0], tt.want)
			}
		})
	}
}

// TestValidateSourceRequiredNamesTheField: a missing value is named by
// what it is, never a bare "is required".
func TestValidateSourceRequiredNamesTheField(t *testing.T) {
	c := loadValid(t)
	c.Source.Proxy = hooks.ProxySource{}
	var ve *hooks.ValidationError
	if !errors.As(c.Validate(), &ve) || len(ve.Problems) != 2 {
		t.Fatalf("Validate = %v, want 2 problems", c.Validate())
	}
	for _, p := range ve.Problems {
		if strings.HasPrefix(p.Message, "is required") || !strings.Contains(p.Message, "e.g.") {
			t.Errorf("problem %q: want what is required and an example", p)
		}
	}
}

// FuzzSourceAddress: whatever is typed as an address, validation names
// the field and quotes the value, and never panics.
func FuzzSourceAddress(f *testing.F) {
	for _, s := range []string{"pbx.example.com:5060", "sip:1002@pbx;transport=tcp", "[fd00::1]", "[", "[]", "]:", "::", "fd00::1:5060",
		":5060", "pbx:", "udp://", "a b", "@", "sip:", "[::1]:99999"} {
		f.Add(s)
	}
	c, err := hooks.Load(filepath.Join("testdata", "config", "valid.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, field := range []string{"listen", "upstream"} {
			cfg := c.Clone()
			if field == "listen" {
				cfg.Source.Proxy.Listen = s
			} else {
				cfg.Source.Proxy.Upstream = s
			}
			var ve *hooks.ValidationError
			if !errors.As(cfg.Validate(), &ve) {
				continue
			}
			for _, p := range ve.Problems {
				if p.Field == field && s != "" && !strings.HasPrefix(p.Message, strconv.Quote(s)) {
					t.Errorf("%s %q: problem %q does not quote the value first", field, s, p.Message)
				}
			}
		}
	})
}
