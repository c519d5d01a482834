package hooks_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
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
