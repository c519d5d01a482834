//go:build unix

package sip

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/siptest"
)

// End-to-end tests of the proxy source against real peers: Kamailio as
// the PBX (registrar, record-routing, forking proxy) and sipp as the
// softphone behind Callhook and as the remote party. Each test starts its
// own Kamailio, so registrations never leak between tests.

type e2e struct {
	t     *testing.T
	bin   siptest.Binaries
	kam   *siptest.Kamailio
	proxy *Proxy
	rec   *recorder
}

type e2eOptions struct {
	upstreamTransport string
	queues            []QueueRule
}

func startE2E(t *testing.T, o e2eOptions) *e2e {
	t.Helper()
	bin := siptest.RequirePeers(t)
	root := siptest.RepoRoot(t)
	kam := siptest.StartKamailio(t, bin, filepath.Join(root, "testdata", "kamailio", "proxy.cfg"))
	rec := &recorder{}
	tr := NewTracker("agent", o.queues, rec.handle)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p, err := NewProxy(ProxyConfig{
		Listen: siptest.Addr(siptest.FreePort(t)), Upstream: kam.Addr(), Transport: o.upstreamTransport,
	}, tr, WithProxyLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("proxy run: %v", err)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for p.Status().State != StateListening {
		if time.Now().After(deadline) {
			t.Fatalf("proxy not listening: %+v", p.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &e2e{t: t, bin: bin, kam: kam, proxy: p, rec: rec}
}

// registerPhone registers user through Callhook from a fresh port and
// returns that port, where the softphone then answers.
func (e *e2e) registerPhone(user string) int {
	e.t.Helper()
	port := siptest.FreePort(e.t)
	if err := siptest.RunSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: e.proxy.Addr(), Service: user,
		Args: []string{"-au", user, "-ap", "secret"},
	}); err != nil {
		e.t.Fatalf("register %s through callhook: %v", user, err)
	}
	return port
}

// registerDirect registers user straight at Kamailio (a remote party or a
// second phone of the agent) and returns the port to answer on.
func (e *e2e) registerDirect(user string) int {
	e.t.Helper()
	port := siptest.FreePort(e.t)
	if err := siptest.RunSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: e.kam.Addr(), Service: user,
		Args: []string{"-au", user, "-ap", "secret"},
	}); err != nil {
		e.t.Fatalf("register %s at kamailio: %v", user, err)
	}
	return port
}

func waitAll(t *testing.T, runs ...*siptest.Sipp) {
	t.Helper()
	for _, r := range runs {
		if err := r.Wait(); err != nil {
			t.Error(err)
		}
	}
}

func TestProxyE2EIncomingAnswered(t *testing.T) {
	for _, upstream := range []string{"udp", "tcp"} {
		t.Run("pbx over "+upstream, func(t *testing.T) {
			e := startE2E(t, e2eOptions{upstreamTransport: upstream})
			port := e.registerPhone("1001")
			if st := e.proxy.Status(); st.State != StateRegistered || st.Registered != 1 {
				t.Errorf("status after register: %+v, want registered with 1 contact", st)
			}
			phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: port})
			remote := siptest.StartSipp(t, e.bin, siptest.SippOptions{
				Scenario: "uac.xml", Remote: e.kam.Addr(), Service: "1001",
				Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
			})
			waitAll(t, remote, phone)
			got := e.rec.settle(t, 3)
			checkEvents(t, got, "3001", "1001", "",
				want{trigger: call.IncomingRing}, want{trigger: call.IncomingAnswer},
				want{trigger: call.IncomingHangup, outcome: call.Answered})
			if got[0].Call.Caller.Name != "Remote Party" {
				t.Errorf("caller name %q, want %q", got[0].Call.Caller.Name, "Remote Party")
			}
			if v, _ := got[0].Call.Header("X-Ticket"); v != "T-1" {
				t.Errorf("header x-ticket %q, want T-1 (headers %v)", v, got[0].Call.Headers)
			}
		})
	}
}

func TestProxyE2EOutgoingAnswered(t *testing.T) {
	e := startE2E(t, e2eOptions{})
	port := e.registerDirect("2001")
	remote := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: port})
	phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{
		Scenario: "uac.xml", Remote: e.proxy.Addr(), Service: "2001",
		Keys: map[string]string{"caller": "1001", "caller_name": "Agent"},
	})
	waitAll(t, phone, remote)
	checkEvents(t, e.rec.settle(t, 3), "1001", "2001", "",
		want{trigger: call.OutgoingStart}, want{trigger: call.OutgoingAnswer},
		want{trigger: call.OutgoingHangup, outcome: call.Answered})
}

// incoming runs one call from remote party 3001 to number through
// Kamailio to the softphone behind Callhook, which plays phoneScenario.
func (e *e2e) incoming(number, callerScenario, phoneScenario string) {
	e.t.Helper()
	port := e.registerPhone("1001")
	phone := siptest.StartSipp(e.t, e.bin, siptest.SippOptions{Scenario: phoneScenario, Port: port})
	remote := siptest.StartSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: callerScenario, Remote: e.kam.Addr(), Service: number,
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	waitAll(e.t, remote, phone)
}

// The softphone stays silent long enough for Kamailio to retransmit the
// INVITE through Callhook: the call still rings once.
func TestProxyE2EIncomingRetransmittedInvite(t *testing.T) {
	e := startE2E(t, e2eOptions{})
	e.incoming("1001", "uac.xml", "uas_slow.xml")
	checkEvents(t, e.rec.settle(t, 3), "3001", "1001", "",
		want{trigger: call.IncomingRing}, want{trigger: call.IncomingAnswer},
		want{trigger: call.IncomingHangup, outcome: call.Answered})
	if n := e.proxy.invitesSeen(); n < 2 {
		t.Errorf("proxy relayed %d initial INVITEs, want the retransmission too (>= 2)", n)
	}
}

func TestProxyE2EIncomingMissed(t *testing.T) {
	e := startE2E(t, e2eOptions{})
	e.incoming("1001", "uac_cancel.xml", "uas_ring.xml")
	checkEvents(t, e.rec.settle(t, 3), "3001", "1001", "",
		want{trigger: call.IncomingRing},
		want{trigger: call.IncomingHangup, outcome: call.Missed},
		want{trigger: call.IncomingMissed, outcome: call.Missed})
}

func TestProxyE2EIncomingDeclined(t *testing.T) {
	for _, tc := range []struct {
		name, scenario string
		outcome        call.Outcome
	}{
		{"busy", "uas_busy.xml", call.Busy},
		{"rejected", "uas_reject.xml", call.Rejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startE2E(t, e2eOptions{})
			e.incoming("1001", "uac_fail.xml", tc.scenario)
			checkEvents(t, e.rec.settle(t, 3), "3001", "1001", "",
				want{trigger: call.IncomingRing},
				want{trigger: call.IncomingHangup, outcome: tc.outcome},
				want{trigger: call.IncomingMissed, outcome: tc.outcome})
		})
	}
}

// The agent's AOR has two contacts: the softphone behind Callhook and a
// second phone registered directly. The second answers; Kamailio cancels
// the softphone's branch with Reason cause=200.
func TestProxyE2EAnsweredElsewhere(t *testing.T) {
	e := startE2E(t, e2eOptions{})
	phonePort := e.registerPhone("1001")
	deskPort := e.registerDirect("1001")
	phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas_ring.xml", Port: phonePort})
	desk := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: "uas.xml", Port: deskPort})
	remote := siptest.StartSipp(t, e.bin, siptest.SippOptions{
		Scenario: "uac.xml", Remote: e.kam.Addr(), Service: "1001",
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	waitAll(t, remote, desk, phone)
	checkEvents(t, e.rec.settle(t, 2), "3001", "1001", "",
		want{trigger: call.IncomingRing},
		want{trigger: call.IncomingHangup, outcome: call.AnsweredElsewhere})
}

// Number 200 is a queue: Kamailio sends it to agent 1001 with a
// Diversion header; To still names 200.
func TestProxyE2EQueueCall(t *testing.T) {
	e := startE2E(t, e2eOptions{queues: []QueueRule{{Name: "Support", Numbers: []string{"200"}}}})
	e.incoming("200", "uac.xml", "uas.xml")
	got := e.rec.settle(t, 3)
	checkEvents(t, got, "3001", "200", "Support",
		want{trigger: call.QueueRing}, want{trigger: call.QueueAnswer},
		want{trigger: call.QueueHangup, outcome: call.Answered})
	if v, _ := got[0].Call.Header("Diversion"); !strings.Contains(v, "sip:200@") {
		t.Errorf("diversion header %q, want the queue number", v)
	}
}

func TestProxyE2EOutgoing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		caller string // the softphone's scenario
		callee string // the remote party's scenario
		phone  string // transport softphone <-> Callhook
		pbx    string // transport Callhook <-> PBX
	}{
		{"hold re-INVITE", "uac_hold.xml", "uas_hold.xml", "udp", "udp"},
		{"tcp", "uac.xml", "uas.xml", "tcp", "tcp"},
		{"tcp hold", "uac_hold.xml", "uas_hold.xml", "tcp", "tcp"},
		{"tcp phone, udp pbx", "uac_hold.xml", "uas_hold.xml", "tcp", "udp"},
		{"udp phone, tcp pbx", "uac_hold.xml", "uas_hold.xml", "udp", "tcp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startE2E(t, e2eOptions{upstreamTransport: tc.pbx})
			port := e.registerDirect("2001")
			remote := siptest.StartSipp(t, e.bin, siptest.SippOptions{Scenario: tc.callee, Port: port})
			phone := siptest.StartSipp(t, e.bin, siptest.SippOptions{
				Scenario: tc.caller, Remote: e.proxy.Addr(), Service: "2001", Transport: tc.phone,
				Keys: map[string]string{"caller": "1001", "caller_name": "Agent"},
			})
			waitAll(t, phone, remote)
			checkEvents(t, e.rec.settle(t, 3), "1001", "2001", "",
				want{trigger: call.OutgoingStart}, want{trigger: call.OutgoingAnswer},
				want{trigger: call.OutgoingHangup, outcome: call.Answered})
		})
	}
}
