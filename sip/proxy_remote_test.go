//go:build linux

package sip

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/siptest"
)

// The proxy against a PBX on another host: Kamailio in a network
// namespace behind a veth, reached from the host over UDP, TCP and TLS.
// The softphone (sipp) runs on the host's loopback as it does on an
// agent's machine; the remote parties live in the PBX's namespace.

type remoteE2E struct {
	t     *testing.T
	bin   siptest.Binaries
	bed   *siptest.Bed
	proxy *Proxy
	rec   *recorder
	state string
	stop  func() // stops the running proxy
	seen  int    // events already checked
	opts  []ProxyOption
}

func startRemoteE2E(t *testing.T, transport string, o siptest.BedOptions, opts ...ProxyOption) *remoteE2E {
	t.Helper()
	bin := siptest.RequirePeers(t)
	o.TLS = o.TLS || transport == TransportTLS
	bed := siptest.NewBed(t, bin, o)
	e := &remoteE2E{t: t, bin: bin, bed: bed, rec: &recorder{}, state: t.TempDir() + "/proxy-state.json"}
	e.opts = opts
	e.proxy = e.startProxy(transport, siptest.Addr(siptest.FreePort(t)))
	return e
}

// startProxy runs a proxy on listen towards the bed's PBX until the test
// ends, and waits until it listens.
func (e *remoteE2E) startProxy(transport, listen string) *Proxy {
	t := e.t
	t.Helper()
	upstream := e.bed.PBXAddr
	if transport == TransportTLS {
		upstream = e.bed.TLSAddr
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p, err := NewProxy(ProxyConfig{Listen: listen, Upstream: upstream, Transport: transport, CAFile: e.bed.CAFile},
		NewTracker("agent", nil, e.rec.handle), append([]ProxyOption{WithProxyLogger(logger), WithProxyState(e.state)}, e.opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("proxy run: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	e.stop = stop
	deadline := time.Now().Add(5 * time.Second)
	for p.Status().State == StateStarting || p.Status().State == StateOff {
		if time.Now().After(deadline) {
			t.Fatalf("proxy not listening: %+v", p.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p
}

func (e *remoteE2E) registerPhone(user string, port int) int {
	e.t.Helper()
	if port == 0 {
		port = siptest.FreePort(e.t)
	}
	if err := siptest.RunSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: e.proxy.Addr(), Service: user,
		Args: []string{"-au", user, "-ap", "secret"},
	}); err != nil {
		e.t.Fatalf("register %s through callhook: %v", user, err)
	}
	return port
}

// registerRemote registers user from the PBX's namespace and returns the
// port it answers on.
func (e *remoteE2E) registerRemote(user string) int {
	e.t.Helper()
	port := siptest.FreePort(e.t)
	if err := e.bed.StartRemote(e.t, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: e.bed.PBXAddr, Service: user,
		Args: []string{"-au", user, "-ap", "secret"},
	}).Wait(); err != nil {
		e.t.Fatalf("register %s at the pbx: %v", user, err)
	}
	return port
}

// incoming calls the softphone from remote party 3001 in the PBX's
// namespace; the softphone plays phoneScenario on port.
func (e *remoteE2E) incoming(port int, callerScenario, phoneScenario string) {
	e.t.Helper()
	phone := siptest.StartSipp(e.t, e.bin, siptest.SippOptions{Scenario: phoneScenario, Port: port})
	remote := e.bed.StartRemote(e.t, siptest.SippOptions{
		Scenario: callerScenario, Remote: e.bed.PBXAddr, Service: "1001",
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	waitAll(e.t, remote, phone)
}

// outgoing calls remote party 2001 (answering on remotePort) from the
// softphone through Callhook.
func (e *remoteE2E) outgoing(remotePort int, callerScenario, calleeScenario, phoneTransport string) {
	e.t.Helper()
	remote := e.bed.StartRemote(e.t, siptest.SippOptions{Scenario: calleeScenario, Port: remotePort})
	phone := siptest.StartSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: callerScenario, Remote: e.proxy.Addr(), Service: "2001", Transport: phoneTransport,
		Keys: map[string]string{"caller": "1001", "caller_name": "Agent"},
	})
	waitAll(e.t, phone, remote)
}

// next waits for the n events after those already checked and returns
// them (and any extra ones, so that duplicates show).
func (e *remoteE2E) next(n int) []call.Event {
	e.t.Helper()
	got := e.rec.settle(e.t, e.seen+n)[e.seen:]
	e.seen += len(got)
	return got
}

var (
	answeredIn  = []want{{trigger: call.IncomingRing}, {trigger: call.IncomingAnswer}, {trigger: call.IncomingHangup, outcome: call.Answered}}
	answeredOut = []want{{trigger: call.OutgoingStart}, {trigger: call.OutgoingAnswer}, {trigger: call.OutgoingHangup, outcome: call.Answered}}
	missedIn    = []want{{trigger: call.IncomingRing}, {trigger: call.IncomingHangup, outcome: call.Missed}, {trigger: call.IncomingMissed, outcome: call.Missed}}
)

// Every call scenario against the remote PBX, over each transport of the
// PBX leg; TCP with the PBX on a port other than 5060.
func TestProxyRemotePBX(t *testing.T) {
	for _, tc := range []struct {
		transport string
		port      int
	}{
		{TransportUDP, 5060},
		{TransportTCP, 5080},
		{TransportTLS, 5060},
	} {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			e := startRemoteE2E(t, tc.transport, siptest.BedOptions{Port: tc.port})
			port := e.registerPhone("1001", 0)
			st := e.proxy.Status()
			if st.State != StateRegistered || st.Transport != tc.transport || !strings.HasPrefix(st.Advertised, e.bed.HostIP+":") {
				t.Errorf("status after register: %+v, want registered over %s, advertising %s", st, tc.transport, e.bed.HostIP)
			}
			if got := e.bed.PBX.Output(); strings.Contains(got, "127.0.0.1") && strings.Contains(got, "1001@127.0.0.1") {
				t.Errorf("the PBX saw a loopback contact for 1001")
			}

			t.Log("incoming, answered; the remote party hangs up")
			e.incoming(port, "uac.xml", "uas.xml")
			checkEvents(t, e.next(3), "3001", "1001", "", answeredIn...)

			t.Log("outgoing with a hold re-INVITE; the softphone hangs up")
			remote := e.registerRemote("2001")
			e.outgoing(remote, "uac_hold.xml", "uas_hold.xml", "udp")
			checkEvents(t, e.next(3), "1001", "2001", "", answeredOut...)

			t.Log("outgoing from a softphone on TCP")
			e.outgoing(remote, "uac.xml", "uas.xml", "tcp")
			checkEvents(t, e.next(3), "1001", "2001", "", answeredOut...)

			t.Log("incoming, missed")
			e.incoming(port, "uac_cancel.xml", "uas_ring.xml")
			checkEvents(t, e.next(3), "3001", "1001", "", missedIn...)

			t.Log("registration refresh, then an incoming call")
			e.registerPhone("1001", port)
			e.incoming(port, "uac.xml", "uas.xml")
			checkEvents(t, e.next(3), "3001", "1001", "", answeredIn...)
		})
	}
}

// A 2 KB INVITE from a softphone over UDP reaches the PBX (over TCP, as
// RFC 3261 §18.1.1 asks, since the PBX takes TCP too) and the call works.
func TestProxyRemoteLargeInvite(t *testing.T) {
	t.Parallel()
	e := startRemoteE2E(t, TransportUDP, siptest.BedOptions{})
	remote := e.registerRemote("2001")
	e.outgoing(remote, "uac_big.xml", "uas.xml", "udp")
	checkEvents(t, e.next(3), "1001", "2001", "", answeredOut...)
}

// After a restart of Callhook the PBX still reaches the softphone: an
// incoming call right after it rings at once, and the BYE of a call that
// was up across the restart reaches the softphone and ends the call.
func TestProxyRemoteRestart(t *testing.T) {
	t.Parallel()
	e := startRemoteE2E(t, TransportUDP, siptest.BedOptions{})
	listen := e.proxy.Addr()
	port := e.registerPhone("1001", 0)

	// A call that is up while Callhook restarts: the remote party hangs
	// up after the restart.
	phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: port})
	remote := e.bed.StartRemote(t, siptest.SippOptions{
		Scenario: "uac_long.xml", Remote: e.bed.PBXAddr, Service: "1001",
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	e.next(2) // ring, answer
	e.stop()
	e.proxy = e.startProxy(TransportUDP, listen)
	waitAll(t, remote, phone)
	got := e.next(1)
	if len(got) != 1 || got[0].Trigger != call.IncomingHangup || got[0].Call.Outcome != call.Answered {
		t.Fatalf("after restart got %v, want the hangup of the call that was up", got)
	}

	e.incoming(port, "uac.xml", "uas.xml")
	checkEvents(t, e.next(3), "3001", "1001", "", answeredIn...)
}

// A TLS PBX whose certificate names another host: the status says so,
// naming the host and the reason; no call passes and no event fires.
func TestProxyRemoteTLSWrongCertificate(t *testing.T) {
	t.Parallel()
	e := startRemoteE2E(t, TransportTLS, siptest.BedOptions{CertName: "wrong.example"})
	deadline := time.Now().Add(10 * time.Second)
	for e.proxy.Status().State != StateError && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	st := e.proxy.Status()
	if st.State != StateError || !strings.Contains(st.Err, e.bed.PBXIP) || !strings.Contains(st.Err, "not for this name") {
		t.Errorf("status %+v, want an error naming %s and the certificate's wrong name", st, e.bed.PBXIP)
	}
	err := siptest.RunSipp(t, e.bin, siptest.SippOptions{
		Scenario: "register.xml", Remote: e.proxy.Addr(), Service: "1001", Args: []string{"-au", "1001", "-ap", "secret"},
		Timeout: 3 * time.Second,
	})
	if err == nil {
		t.Error("REGISTER through a proxy whose PBX certificate is wrong succeeded")
	}
	if got := e.rec.snapshot(); len(got) != 0 {
		t.Errorf("events %v, want none", got)
	}
}

// The PBX restarts and forgets every registration: once it answers the
// proxy's keepalives again (over TLS: once the proxy reconnects), the
// proxy registers the softphone anew, and an incoming call reaches it
// without the softphone doing anything. (Users 2xxx register without a
// challenge at the test PBX; where the PBX challenges, the softphone's
// next REGISTER does it, at most phoneExpiresCap later.)
func TestProxyRemotePBXRestart(t *testing.T) {
	for _, transport := range []string{TransportUDP, TransportTLS} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			e := startRemoteE2E(t, transport, siptest.BedOptions{}, withKeepaliveEvery(500*time.Millisecond))
			port := e.registerPhone("2005", 0)
			e.bed.PBX.Kill()
			time.Sleep(2 * time.Second) // a few keepalives go unanswered
			e.bed.PBX.Restart()
			start := time.Now()
			var err error
			for range 20 {
				phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: port, Timeout: 3 * time.Second})
				remote := e.bed.StartRemote(t, siptest.SippOptions{
					Scenario: "uac.xml", Remote: e.bed.PBXAddr, Service: "2005", Timeout: 3 * time.Second,
					Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
				})
				if err = remote.Wait(); err == nil {
					err = phone.Wait()
					break
				}
				phone.Wait()
				time.Sleep(500 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("no call reached the softphone after the PBX restarted: %v", err)
			}
			t.Logf("PBX restart to a call reaching the softphone: %s", time.Since(start).Round(100*time.Millisecond))
		})
	}
}
