package sip

import (
	"fmt"
	"testing"

	"github.com/callhook/callhook/call"
)

// Without a port in upstream or server, tls goes to 5061 and udp and tcp
// to 5060, in both sources.
func TestPBXDefaultPortPerTransport(t *testing.T) {
	tr := NewTracker("agent", nil, func(call.Event) {})
	for _, tc := range []struct {
		transport string
		port      int
	}{{"", 5060}, {TransportUDP, 5060}, {TransportTCP, 5060}, {TransportTLS, 5061}, {"TLS", 5061}} {
		p, err := NewProxy(ProxyConfig{Upstream: "pbx.example.com", Transport: tc.transport}, tr)
		if err != nil {
			t.Fatalf("proxy over %q: %v", tc.transport, err)
		}
		if p.upHost != "pbx.example.com" || p.upPort != tc.port {
			t.Errorf("proxy over %q goes to %s:%d, want port %d", tc.transport, p.upHost, p.upPort, tc.port)
		}
		d, err := NewDialog(DialogConfig{Server: "pbx.example.com", Transport: tc.transport, Watch: []string{"1002"}}, tr)
		if err != nil {
			t.Fatalf("dialog over %q: %v", tc.transport, err)
		}
		if want := fmt.Sprintf("pbx.example.com:%d", tc.port); d.server != want {
			t.Errorf("dialog over %q goes to %s, want %s", tc.transport, d.server, want)
		}
	}
}
