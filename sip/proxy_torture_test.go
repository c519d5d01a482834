//go:build unix

package sip

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/siptest"
)

// tortureMessages returns the RFC 4475 messages and some plain garbage.
func tortureMessages(t *testing.T) map[string][]byte {
	t.Helper()
	msgs := map[string][]byte{
		"empty":          {},
		"crlf keepalive": []byte("\r\n\r\n"),
		"binary":         {0x00, 0xff, 0x13, 0x37, 0x80, 0x0a, 0x0d},
		"no headers":     []byte("INVITE sip:x@y SIP/2.0\r\n\r\n"),
		"status only":    []byte("SIP/2.0 200 OK\r\n\r\n"),
		"huge header":    []byte("OPTIONS sip:a@b SIP/2.0\r\nX-Big: " + strings.Repeat("A", 60000) + "\r\n\r\n"),
		"bad via": []byte("INVITE sip:2001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP ;;;\r\nFrom: <sip:a@b>;tag=1\r\n" +
			"To: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"),
		"response to nobody": []byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKchdeadbeef\r\n" +
			"From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"),
	}
	for _, dir := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join("testdata", "torture", dir, "*.dat"))
		if err != nil || len(files) == 0 {
			t.Fatalf("read torture messages in testdata/torture/%s: %v (found %d)", dir, err, len(files))
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			msgs[dir+"/"+filepath.Base(f)] = b
		}
	}
	return msgs
}

// Every RFC 4475 message and some garbage, over UDP and TCP, then a
// normal call: the proxy must still be up and relaying.
func TestProxyE2ETortureThenCall(t *testing.T) {
	e := startE2E(t, e2eOptions{})
	msgs := tortureMessages(t)
	udp, err := net.Dial("udp", e.proxy.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	for name, m := range msgs {
		if _, err := udp.Write(m); err != nil && len(m) < 1400 {
			t.Errorf("send %s over udp: %v", name, err)
		}
		c, err := net.Dial("tcp", e.proxy.Addr())
		if err != nil {
			t.Fatalf("proxy stopped accepting tcp after torture messages (last %s): %v", name, err)
		}
		c.Write(m)
		c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		c.Read(make([]byte, 4096))
		c.Close()
	}
	// Torture REGISTERs may register: listening or registered both mean
	// up, throughout one documented quiet period.
	up := func() bool { st := e.proxy.Status(); return st.State == StateListening || st.State == StateRegistered }
	if !siptest.Steady(up) {
		t.Fatalf("status after torture: %+v, want listening", e.proxy.Status())
	}

	port := e.registerDirect("2001")
	remote := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: port})
	phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{
		Scenario: "uac.xml", Remote: e.proxy.Addr(), Service: "2001",
		Keys: map[string]string{"caller": "1001", "caller_name": "Agent"},
	})
	waitAll(t, phone, remote)
	// Torture INVITEs may have made calls of their own; look at ours.
	deadline := time.Now().Add(10 * time.Second)
	var ours []call.Event
	for {
		ours = ours[:0]
		for _, ev := range e.rec.snapshot() {
			if ev.Call.Caller.Number == "1001" && ev.Call.Callee.Number == "2001" {
				ours = append(ours, ev)
			}
		}
		if len(ours) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkEvents(t, ours, "1001", "2001", "",
		want{trigger: call.OutgoingStart}, want{trigger: call.OutgoingAnswer},
		want{trigger: call.OutgoingHangup, outcome: call.Answered})
}
