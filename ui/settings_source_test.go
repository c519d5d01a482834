package ui

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
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/hooks"
)

// writeCA writes a self-signed CA certificate (PEM) and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Office PBX CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "office-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func proxyConfig() *hooks.Config {
	cfg := sampleConfig()
	cfg.Source = hooks.Source{Mode: hooks.SourceProxy,
		Proxy: hooks.ProxySource{Listen: "127.0.0.1:5070", Upstream: "pbx.example.com:5060", Transport: "udp"}}
	return cfg
}

func dialogConfig() *hooks.Config {
	cfg := sampleConfig()
	cfg.Source = hooks.Source{Mode: hooks.SourceDialog,
		Dialog: hooks.DialogSource{Server: "pbx.example.com:5060", Watch: []string{"1002"}}}
	return cfg
}

func TestSourceTransportsOfferTLS(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	s := h.u.settings
	want := []string{"udp", "tcp", "tls"}
	for name, leg := range map[string]*pbxLeg{"proxy": s.proxy.leg, "dialog": s.dialog.leg} {
		if !slices.Equal(leg.transport.Options, want) {
			t.Errorf("%s transports = %v, want %v", name, leg.transport.Options, want)
		}
	}
	if got := s.proxy.leg.local.PlaceHolder; got != "automatic" {
		t.Errorf("local address placeholder %q, want automatic", got)
	}
}

func TestProxyOverTLSWithPrivateCA(t *testing.T) {
	ca := writeCA(t)
	h := newHarness(t, proxyConfig(), Options{})
	leg := h.u.settings.proxy.leg
	if !leg.caFile.Disabled() || !leg.browse.Disabled() {
		t.Error("CA file is editable with transport udp")
	}
	h.u.settings.proxy.upstream.SetText("pbx.example.com:5061")
	leg.transport.SetSelected("tls")
	if leg.caFile.Disabled() || leg.browse.Disabled() {
		t.Fatal("CA file is not editable with transport tls")
	}
	h.u.settings.openFile = func(picked func(string)) { picked(ca) }
	test.Tap(leg.browse)
	enter(t, h, leg.local, "10.0.0.5:5080")
	for field, m := range h.u.settings.proxy.problems.lines {
		if shown(m) != "" {
			t.Fatalf("problem shown under %s: %s", field, m.Text)
		}
	}
	want := hooks.ProxySource{Listen: "127.0.0.1:5070", Upstream: "pbx.example.com:5061", Transport: "tls", CAFile: ca, LocalAddress: "10.0.0.5:5080"}
	if got := h.b.lastSaved(t).Source.Proxy; got != want {
		t.Errorf("saved proxy source\n got %+v\nwant %+v", got, want)
	}

	// Back to udp: the CA file leaves the config (it applies to tls
	// only) but stays in the field for the way back.
	leg.transport.SetSelected("udp")
	h.settle()
	if got := h.b.lastSaved(t).Source.Proxy; got.Transport != "udp" || got.CAFile != "" {
		t.Errorf("after udp: saved %+v, want udp without ca_file", got)
	}
	if leg.caFile.Text != ca || !leg.caFile.Disabled() {
		t.Errorf("CA field after udp: %q disabled=%v", leg.caFile.Text, leg.caFile.Disabled())
	}
	leg.transport.SetSelected("tls")
	h.settle()
	if got := h.b.lastSaved(t).Source.Proxy; got.CAFile != ca {
		t.Errorf("after tls again: ca_file %q, want %q", got.CAFile, ca)
	}
}

func TestDialogLegFieldsLoadAndSave(t *testing.T) {
	ca := writeCA(t)
	cfg := dialogConfig()
	cfg.Source.Dialog.Transport, cfg.Source.Dialog.CAFile, cfg.Source.Dialog.LocalAddress = "tls", ca, "10.0.0.5"
	h := newHarness(t, cfg, Options{})
	leg := h.u.settings.dialog.leg
	if leg.transport.Selected != "tls" || leg.caFile.Text != ca || leg.local.Text != "10.0.0.5" {
		t.Fatalf("loaded %q %q %q", leg.transport.Selected, leg.caFile.Text, leg.local.Text)
	}
	enter(t, h, leg.local, "")
	got := h.b.lastSaved(t).Source.Dialog
	if got.Transport != "tls" || got.CAFile != ca || got.LocalAddress != "" {
		t.Errorf("saved dialog source %+v", got)
	}
}

// TestSourceLegProblemsAreShown: each problem shows under its field once
// the value is applied, and nothing invalid is saved.
func TestSourceLegProblemsAreShown(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, h *harness)
		field string
		want  string
	}{
		{"host name as local address", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.leg.local, "myhost.lan") },
			"local_address", `"myhost.lan" is not an IP address`},
		{"port out of range", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.leg.local, "10.0.0.5:99999") },
			"local_address", "port 99999 is out of range"},
		{"missing CA file", func(t *testing.T, h *harness) {
			h.u.settings.proxy.leg.transport.SetSelected("tls")
			enter(t, h, h.u.settings.proxy.leg.caFile, "/nonexistent/ca.pem")
		}, "ca_file", `cannot read "/nonexistent/ca.pem"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, proxyConfig(), Options{})
			usePauseClock(h)
			saves := len(h.b.saved())
			tt.edit(t, h)
			if m := shown(h.u.settings.proxy.problems.lines[tt.field]); !strings.Contains(m, tt.want) {
				t.Errorf("problem under %s %q, want %q", tt.field, m, tt.want)
			}
			for _, c := range h.b.saved()[saves:] {
				if c.Source.Proxy.LocalAddress != "" || c.Source.Proxy.CAFile != "" {
					t.Errorf("saved an invalid source: %+v", c.Source.Proxy)
				}
			}
		})
	}
}

func TestSourceStatusShowsThePBXLeg(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 31, 2, 0, time.Local)
	tests := []struct {
		name string
		lang string
		st   SourceStatus
		want string
	}{
		{"before the PBX answered", "en", SourceStatus{State: "listening", Detail: "127.0.0.1:5070 (udp, tcp)", Transport: "udp", Advertised: "10.0.0.5:5060"},
			"Listening · 127.0.0.1:5070 (udp, tcp)\nThe PBX sees us at 10.0.0.5:5060 · UDP"},
		{"behind NAT over TLS", "en", SourceStatus{State: "registered", Detail: "1 softphone registered", Transport: "tls",
			Advertised: "203.0.113.7:40123", Learned: true, Keepalive: "answered", KeepaliveAt: at},
			"Softphone registered · 1 softphone registered\nThe PBX sees us at 203.0.113.7:40123 (public, learned from the PBX) · TLS\nKeepalive: answered (09:31:02)"},
		{"keepalive without time", "en", SourceStatus{State: "subscribed", Transport: "tcp", Keepalive: "no answer: timeout"},
			"Subscribed\nTCP\nKeepalive: no answer: timeout"},
		{"error keeps its reason", "en", SourceStatus{State: "error", Err: "TLS to pbx.example.com:5061: the PBX certificate is not signed by a trusted CA", Transport: "tls"},
			"Error (TLS to pbx.example.com:5061: the PBX certificate is not signed by a trusted CA)\nTLS"},
		{"German", "de", SourceStatus{State: "subscribed", Transport: "tls", Advertised: "203.0.113.7:40123", Learned: true, Keepalive: "answered", KeepaliveAt: at},
			"Abonniert\nDie Telefonanlage sieht uns unter 203.0.113.7:40123 (öffentlich, von der Telefonanlage erfahren) · TLS\nKeepalive: beantwortet (09:31:02)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := proxyConfig()
			cfg.UI.Language = tt.lang
			h := newHarness(t, cfg, Options{})
			h.b.emit(Event{Kind: SourceChanged, Source: tt.st})
			h.settle()
			if got := h.u.settings.status.Text; got != tt.want {
				t.Errorf("status\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestStatusTextDialect: the status says which dialect the PBX speaks and
// what it lets Callhook fill, in the user's language.
func TestStatusTextDialect(t *testing.T) {
	st := SourceStatus{State: "subscribed", Detail: "1 of 1 extensions subscribed", Transport: "udp", Dialect: "asterisk"}
	tests := []struct {
		name, lang, dialect string
		want                []string
	}{
		{"asterisk", "en", "asterisk", []string{"Asterisk extension state: no caller number — {remote} stays empty", "proxy mode"}},
		{"asterisk in German", "de", "asterisk", []string{"Asterisk-Nebenstellenstatus: keine Anrufernummer – {remote} bleibt leer"}},
		{"caller id and rfc4235", "en", "asterisk-cid,rfc4235", []string{"{remote} only for incoming calls", "full RFC 4235"}},
		{"freeswitch", "en", "freeswitch", []string{"FreeSWITCH dialog-info"}},
		{"unknown", "de", "unknown", []string{"unbekannter Form (unknown)"}},
		{"none yet", "en", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st.Dialect = tt.dialect
			got := statusText(newTr(tt.lang), st)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("status text %q lacks %q", got, w)
				}
			}
			if tt.dialect == "" && strings.Count(got, "\n") != 1 {
				t.Errorf("status text %q: a dialect line without a dialect", got)
			}
		})
	}
}
