//go:build unix

package sip

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/siptest"
)

// The dialog source against a real PBX: Kamailio 5.6 publishes its
// dialogs to itself (pua_dialoginfo) and notifies Callhook's subscription
// (presence_dialoginfo), while sipp plays the agent 1002 and the remote
// parties. Kamailio needs ~40 ms of CPU per call for this: one call per
// scenario keeps the suite light.

const (
	agent       = "1002"
	agentSecret = "pw1002"
)

// dialogE2E is a running dialog source subscribed to the agent at pbx.
type dialogE2E struct {
	t    *testing.T
	bin  siptest.Binaries
	pbx  *siptest.Kamailio
	src  *Dialog
	rec  *recorder
	call func(caller, callee, uac, uas string)

	started    time.Time
	mu         sync.Mutex
	statuses   []Status
	subscribes int // how often the status turned subscribed
}

// transports are those the loopback tests run over; TLS joins them where
// the test can make Kamailio a certificate (dialog_e2e_linux_test.go).
var transports = []string{TransportUDP, TransportTCP}

// forTransports runs test once per transport.
func forTransports(t *testing.T, test func(t *testing.T, transport string)) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) { test(t, tr) })
	}
}

func startDialogE2E(t *testing.T, transport, password string, expires time.Duration) *dialogE2E {
	t.Helper()
	bin := siptest.RequirePeers(t)
	e := &dialogE2E{t: t, bin: bin, rec: &recorder{}}
	cfg := DialogConfig{
		Transport: transport, Domain: "127.0.0.1", Username: agent, Password: password,
		Watch: []string{agent}, Expires: expires,
	}
	if transport == TransportTLS {
		var tlsAddr string
		e.pbx, tlsAddr, cfg.CAFile = startTLSDialogPBX(t, bin)
		cfg.Server = tlsAddr
	} else {
		e.pbx = siptest.StartDialogPBX(t, bin, agent, agentSecret)
		cfg.Server = e.pbx.Addr()
	}
	e.call = e.loopbackCall
	e.start(cfg)
	return e
}

// start runs the dialog source with cfg until the test ends.
func (e *dialogE2E) start(cfg DialogConfig) {
	t := e.t
	tr := NewTracker("agent", nil, e.rec.handle)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	src, err := NewDialog(cfg, tr, WithDialogLogger(logger), WithDialogRetry(200*time.Millisecond, 2*time.Second), WithDialogStatus(e.onStatus))
	if err != nil {
		t.Fatal(err)
	}
	e.src, e.started = src, time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dialog source run: %v", err)
		}
	})
}

func (e *dialogE2E) onStatus(s Status) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// A change within the subscribed state (a keepalive, the dialect
	// learned from a document) is no new subscription.
	if s.State == StateSubscribed && (len(e.statuses) == 0 || e.statuses[len(e.statuses)-1].State != StateSubscribed) {
		e.subscribes++
	}
	e.statuses = append(e.statuses, s)
}

// waitSubscribed waits until the status has turned subscribed n times.
func (e *dialogE2E) waitSubscribed(n int, limit time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		e.mu.Lock()
		got, last := e.subscribes, e.statuses
		e.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("not subscribed %d times within %v; statuses: %+v", n, limit, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loopbackCall runs one call through the PBX: the callee's sipp answers
// on its own port (the request URI names it), the caller's sends via the
// PBX.
func (e *dialogE2E) loopbackCall(caller, callee, uac, uas string) {
	e.t.Helper()
	callee0 := siptest.StartSipp(e.t, e.bin, siptest.SippOptions{Scenario: uas, Args: []string{"-d", "300"}})
	err := siptest.RunSipp(e.t, e.bin, siptest.SippOptions{
		Scenario: uac, Service: callee, Remote: siptest.Addr(callee0.Port),
		Keys: map[string]string{"caller": caller},
		Args: []string{"-rsa", e.pbx.Addr(), "-d", "500"},
	})
	if err != nil {
		e.t.Fatalf("caller sipp: %v", err)
	}
	if err := callee0.Wait(); err != nil {
		e.t.Fatalf("callee sipp: %v", err)
	}
}

// expect waits for the wanted events, then a little longer to catch
// duplicates, and compares.
func (e *dialogE2E) expect(want string) []call.Event {
	e.t.Helper()
	evs := e.rec.settle(e.t, strings.Count(want, "\n"))
	if got := dialogSummary(evs); got != want {
		e.t.Fatalf("events:\n%s\nwant:\n%s", got, want)
	}
	return evs
}

func TestDialogE2EIncomingAnswered(t *testing.T) {
	forTransports(t, func(t *testing.T, transport string) {
		e := startDialogE2E(t, transport, agentSecret, time.Minute)
		e.incomingAnswered()
	})
}

func (e *dialogE2E) incomingAnswered() {
	t := e.t
	e.waitSubscribed(1, 10*time.Second)
	e.call("1001", agent, "dialog_uac.xml", "dialog_uas.xml")
	evs := e.expect("incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n")
	if id := evs[0].Call.ID; id == "" || strings.HasPrefix(id, "padi-") {
		t.Errorf("call ID %q: want the SIP Call-ID from the call-id attribute", id)
	}
	if d := evs[2].Call.Duration(evs[2].At); d <= 0 {
		t.Errorf("duration %v, want talk time", d)
	}
}

func TestDialogE2EOutgoingAnswered(t *testing.T) {
	forTransports(t, func(t *testing.T, transport string) {
		startDialogE2E(t, transport, agentSecret, time.Minute).outgoingAnswered()
	})
}

func (e *dialogE2E) outgoingAnswered() {
	e.waitSubscribed(1, 10*time.Second)
	e.call(agent, "1003", "dialog_uac.xml", "dialog_uas.xml")
	e.expect("outgoing.start 1002>1003\noutgoing.answer 1002>1003\noutgoing.hangup 1002>1003 answered\n")
}

func TestDialogE2EIncomingMissed(t *testing.T) {
	forTransports(t, func(t *testing.T, transport string) {
		startDialogE2E(t, transport, agentSecret, time.Minute).incomingMissed()
	})
}

func (e *dialogE2E) incomingMissed() {
	e.waitSubscribed(1, 10*time.Second)
	e.call("1001", agent, "dialog_uac_cancel.xml", "dialog_uas_cancel.xml")
	e.expect("incoming.ring 1001>1002\nincoming.hangup 1001>1002 missed\nincoming.missed 1001>1002 missed\n")
}

// TestDialogE2EPBXRestart kills Kamailio, which forgets every subscription
// it held in memory, and starts it again on the same port: the next
// refresh fails, the source subscribes anew, and a call after that still
// produces its events.
func TestDialogE2EPBXRestart(t *testing.T) {
	forTransports(t, func(t *testing.T, transport string) {
		e := startDialogE2E(t, transport, agentSecret, 10*time.Second)
		e.waitSubscribed(1, 10*time.Second)
		e.pbx.Kill()
		e.pbx.Restart()
		e.waitSubscribed(2, 20*time.Second)
		e.call("1001", agent, "dialog_uac.xml", "dialog_uas.xml")
		e.expect("incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n")
	})
}

func TestDialogE2EWrongPassword(t *testing.T) {
	e := startDialogE2E(t, TransportUDP, "wrong", time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := e.src.Status()
		if s.State == StateError {
			// Kamailio challenges SUBSCRIBEs as a proxy: 407.
			if !strings.Contains(s.Err, "SUBSCRIBE 1002: 407") || !strings.Contains(s.Err, "password") {
				t.Fatalf("status error %q, want it to name the rejected SUBSCRIBE", s.Err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no error status with a wrong password: %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
