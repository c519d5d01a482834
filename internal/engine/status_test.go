package engine

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/sip"
)

func TestStatusLogLine(t *testing.T) {
	tests := []struct {
		name string
		s    sip.Status
		want string
	}{
		{"listening before the PBX answered",
			sip.Status{State: sip.StateListening, Detail: "listening on 127.0.0.1:5070 (udp, tcp)", Transport: "udp", Advertised: "10.0.0.5:5060"},
			`level=INFO msg="call source" state=listening detail="listening on 127.0.0.1:5070 (udp, tcp)" transport=udp advertised=10.0.0.5:5060 learned=false`},
		{"registered behind NAT over TLS",
			sip.Status{State: sip.StateRegistered, Registered: 1, Transport: "tls", Advertised: "203.0.113.7:40123", Learned: true, Keepalive: "answered", KeepaliveAt: time.Now()},
			`level=INFO msg="call source" state=registered registered=1 transport=tls advertised=203.0.113.7:40123 learned=true keepalive=answered`},
		{"keepalive unanswered",
			sip.Status{State: sip.StateSubscribed, Transport: "udp", Keepalive: "no answer: timeout"},
			`level=WARN msg="call source" state=subscribed transport=udp keepalive="no answer: timeout" fix="the PBX stopped answering: check the network and firewall between this machine and the PBX"`},
		{"error",
			sip.Status{State: sip.StateError, Transport: "tls", Err: "TLS to pbx.example.com:5061: the PBX certificate is not signed by a trusted CA: set source.proxy.ca_file to the PBX's CA certificate"},
			`level=ERROR msg="call source" state=error transport=tls err="TLS to pbx.example.com:5061: the PBX certificate is not signed by a trusted CA: set source.proxy.ca_file to the PBX's CA certificate"`},
		{"source off", sip.Status{State: sip.StateOff, Detail: "no call source (source mode none)"},
			`level=INFO msg="call source" state=off detail="no call source (source mode none)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
			level, args := statusLog(tt.s)
			log.Log(context.Background(), level, "call source", args...)
			got := strings.TrimSuffix(buf.String(), "\n")
			if strings.Contains(got, "\n") {
				t.Errorf("more than one line: %q", got)
			}
			if got != tt.want {
				t.Errorf("log line\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
