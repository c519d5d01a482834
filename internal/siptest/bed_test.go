//go:build linux

package siptest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestNetnsInNSIsolatesSockets(t *testing.T) {
	RequireNetns(t)
	ns := NewNetns(t, "iso")
	var inner net.PacketConn
	if err := InNS(ns, func() (err error) {
		inner, err = net.ListenPacket("udp", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	// The same port is free on the host's loopback: another stack.
	outer, err := net.ListenPacket("udp", inner.LocalAddr().String())
	if err != nil {
		t.Fatalf("port of a namespace socket taken on the host: %v", err)
	}
	outer.Close()
}

// register puts a sipp phone for user on the agent side at PBX and
// starts it answering calls with scenario.
func registerAgent(t *testing.T, b *Bed, user, scenario string, calls int, timeout time.Duration) *Sipp {
	t.Helper()
	port := FreePort(t)
	if err := b.StartAgent(t, SippOptions{Scenario: "register.xml", Port: port, Service: user, Remote: b.PBXAddr}).Wait(); err != nil {
		t.Fatalf("register %s: %v", user, err)
	}
	return b.StartAgent(t, SippOptions{Scenario: scenario, Port: port, Calls: calls, Timeout: timeout})
}

func callFromRemote(t *testing.T, b *Bed, scenario, user string) error {
	t.Helper()
	return b.StartRemote(t, SippOptions{Scenario: scenario, Service: user, Remote: b.PBXAddr,
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote"}}).Wait()
}

func TestBedPlainCall(t *testing.T) {
	t.Parallel()
	bin := RequirePeers(t)
	b := NewBed(t, bin, BedOptions{Port: 5070})
	if b.PBX.Addr() != b.PBXAddr || !strings.HasPrefix(b.PBXIP, "10.231.") {
		t.Fatalf("pbx at %s, bed says %s", b.PBX.Addr(), b.PBXAddr)
	}
	phone := registerAgent(t, b, "2001", "uas.xml", 1, 20*time.Second)
	if err := callFromRemote(t, b, "uac.xml", "2001"); err != nil {
		t.Fatal(err)
	}
	if err := phone.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestBedKamailioRestartsInNetns(t *testing.T) {
	t.Parallel()
	bin := RequirePeers(t)
	b := NewBed(t, bin, BedOptions{Config: "dialog", User: "1001", Password: "pw"})
	if len(NetnsPids(b.PBXNS)) == 0 {
		t.Fatal("no process in the pbx namespace while kamailio runs")
	}
	b.PBX.Kill()
	// Kill waits for the main process only; its children die with the group.
	for i := 0; len(NetnsPids(b.PBXNS)) > 0; i++ {
		if i == 50 {
			t.Fatalf("processes left in the pbx namespace after Kill: %v", NetnsPids(b.PBXNS))
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.PBX.Restart()
}

// TestBedNATPinholeCloses is the control case: a phone that registers
// through the router and then stays silent is unreachable once the
// router forgets its UDP mapping, however NAT-aware the PBX is.
func TestBedNATPinholeCloses(t *testing.T) {
	t.Parallel()
	bin := RequirePeers(t)
	b := NewBed(t, bin, BedOptions{NAT: true})
	phone := registerAgent(t, b, "2001", "uas.xml", 2, 90*time.Second)
	if err := callFromRemote(t, b, "uac.xml", "2001"); err != nil {
		t.Fatalf("call through fresh pinhole: %v", err)
	}
	time.Sleep(45 * time.Second)
	if err := callFromRemote(t, b, "uac_unreachable.xml", "2001"); err != nil {
		t.Fatalf("call after the pinhole closed was not refused: %v", err)
	}
	if n := strings.Count(phone.Messages(), "INVITE sip:"); n > 1 {
		t.Fatalf("phone saw %d INVITEs; the second should not have reached it", n)
	}
}

func TestBedTLSHandshake(t *testing.T) {
	bin := RequirePeers(t)
	for _, tc := range []struct {
		name string
		o    BedOptions
		ok   bool
	}{
		{"plain", BedOptions{TLS: true}, true},
		{"nat from agent", BedOptions{TLS: true, NAT: true, Port: 5080}, true},
		{"wrong name", BedOptions{TLS: true, CertName: "wrong.example"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBed(t, bin, tc.o)
			pem, err := os.ReadFile(b.CAFile)
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			roots.AppendCertsFromPEM(pem)
			var conn net.Conn
			err = InNS(b.AgentNS, func() (err error) {
				conn, err = net.DialTimeout("tcp", b.TLSAddr, 5*time.Second)
				return err
			})
			if err != nil {
				t.Fatalf("dial %s: %v", b.TLSAddr, err)
			}
			c := tls.Client(conn, &tls.Config{RootCAs: roots, ServerName: b.PBXIP})
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			err = c.Handshake()
			if tc.ok {
				if err != nil {
					t.Fatalf("handshake with %s: %v", b.TLSAddr, err)
				}
				// Kamailio speaks SIP over it, not just TLS.
				local := c.LocalAddr().String()
				fmt.Fprintf(c, "OPTIONS sip:%s;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=z9hG4bK-tls;rport\r\n"+
					"Max-Forwards: 70\r\nFrom: <sip:probe@%s>;tag=tls\r\nTo: <sip:%s>\r\n"+
					"Call-ID: tls-probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
					b.TLSAddr, local, b.AgentIP, b.TLSAddr)
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil || !strings.HasPrefix(line, "SIP/2.0 200") {
					t.Fatalf("OPTIONS over TLS: %q, %v", line, err)
				}
			} else {
				var hostErr x509.HostnameError
				if !errors.As(err, &hostErr) {
					t.Fatalf("handshake with a cert for the wrong name: got %v, want a hostname error", err)
				}
			}
		})
	}
}

// TestBedNATDialogSubscribe checks the NAT-aware dialog PBX sends its
// NOTIFY to a watcher behind the router, at the public address.
func TestBedNATDialogSubscribe(t *testing.T) {
	t.Parallel()
	bin := RequirePeers(t)
	b := NewBed(t, bin, BedOptions{Config: "dialog", User: "1001", Password: "pw", NAT: true, TLS: true})
	if err := b.StartAgent(t, SippOptions{Scenario: "subscribe_dialog.xml", Service: "1001", Remote: b.PBXAddr,
		Args: []string{"-au", "1001", "-ap", "pw"}, Timeout: 10 * time.Second}).Wait(); err != nil {
		t.Fatal(err)
	}
}
