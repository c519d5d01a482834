//go:build linux

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// The product on an agent's machine behind a home router, the PBX on
// another host: `callhook run`, the softphone and the hook receiver live
// in the bed's agent namespace, which reaches the PBX only through a
// masquerade that forgets idle UDP mappings after 30 s. The remote
// parties live beside the PBX. Idle gaps of natGap outlast that timeout,
// so only Callhook's keepalives keep the PBX able to reach it.

// natGap is an idle time longer than the router's UDP mapping timeout.
const natGap = 45 * time.Second

// natAgent is one bed with `callhook run` in its agent namespace.
type natAgent struct {
	t   *testing.T
	bin siptest.Binaries
	bed *siptest.Bed
	rc  *receiver
	e   *env
	srv *service
	ctx context.Context
}

// startNATAgent builds a bed with o and returns an agent whose receiver
// listens on the agent namespace's loopback; config renders the config
// given the receiver's URL. Nothing runs until run.
func startNATAgent(t *testing.T, o siptest.BedOptions, config func(b *siptest.Bed, hookURL string) string) *natAgent {
	t.Helper()
	bin := siptest.RequirePeers(t)
	o.NAT = true
	b := siptest.NewBed(t, bin, o)
	var ln net.Listener
	if err := siptest.InNS(b.AgentNS, func() (err error) {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatalf("listen for hooks in the agent namespace: %v", err)
	}
	a := &natAgent{t: t, bin: bin, bed: b, rc: newReceiverOn(t, ln)}
	a.e = newEnv(t, config(b, a.rc.URL+"/events"))
	a.e.netns = b.AgentNS
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	a.ctx = ctx
	return a
}

// run starts `callhook run` and waits until its log shows want.
func (a *natAgent) run(want string) {
	a.t.Helper()
	a.srv = a.e.startRun(a.ctx)
	a.srv.waitLog(want, 15*time.Second)
}

// agentSipp starts sipp as the softphone on the agent's loopback.
func (a *natAgent) agentSipp(o siptest.SippOptions) *siptest.Sipp {
	a.t.Helper()
	o.NetNS, o.LocalIP = a.bed.AgentNS, "127.0.0.1"
	return siptest.StartSipp(a.t, a.bin, o)
}

// checkPublic fails unless the log shows Callhook advertising the
// router's public address, learned from the PBX.
func (a *natAgent) checkPublic() {
	a.t.Helper()
	logs := a.srv.logs()
	if !strings.Contains(logs, "advertised="+a.bed.PublicIP+":") || !strings.Contains(logs, "learned=true") {
		a.t.Errorf("callhook run never logged the public address %s as learned:\n%s", a.bed.PublicIP, logs)
	}
}

// waitAll waits for every sipp, failing with its report.
func waitAll(t *testing.T, ss ...*siptest.Sipp) {
	t.Helper()
	for _, s := range ss {
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	}
}

// incomingHooks are the triggers of an answered incoming call.
var (
	incomingHooks = []string{"incoming.ring", "incoming.answer", "incoming.hangup"}
	outgoingHooks = []string{"outgoing.start", "outgoing.answer", "outgoing.hangup"}
)

// ringsAtOnce fails unless the first hook after before (the ring) came
// within 3 s of start: the PBX reached the softphone on its first try.
func (a *natAgent) ringsAtOnce(before int, start time.Time) {
	a.t.Helper()
	got := a.rc.requests()
	if len(got) <= before {
		return // callHooks already failed
	}
	if d := got[before].At.Sub(start); d > 3*time.Second {
		a.t.Errorf("the call rang %v after it was placed, want at once\n%s", d.Round(time.Millisecond), a.srv.logs())
	}
}

const natProxyConfig = `{
  "version": 1, "enabled": true, "user": "agent",
  "source": {"mode": "proxy", "proxy": {"listen": %q, "upstream": %q, "transport": %q}},
  "hooks": [{"id": "log", "enabled": true,
    "triggers": ["incoming.ring","incoming.answer","incoming.hangup","incoming.missed","outgoing.start","outgoing.answer","outgoing.hangup"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"name\":\"{remote_name}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\"}"}]
}`

// natProxy is `callhook run` in proxy mode behind the NAT with a sipp
// softphone registered through it as 1001.
type natProxy struct {
	*natAgent
	listen    string
	phonePort int
}

func startNATProxy(t *testing.T, transport string, port int) *natProxy {
	t.Helper()
	p := &natProxy{listen: siptest.Addr(siptest.FreePort(t))}
	p.natAgent = startNATAgent(t, siptest.BedOptions{Port: port}, func(b *siptest.Bed, url string) string {
		return fmt.Sprintf(natProxyConfig, p.listen, b.PBXAddr, transport, url)
	})
	p.run("state=listening")
	p.phonePort = siptest.FreePort(t)
	if err := p.agentSipp(siptest.SippOptions{
		Scenario: "register.xml", Port: p.phonePort, Remote: p.listen, Service: "1001",
		Args: []string{"-au", "1001", "-ap", "secret"},
	}).Wait(); err != nil {
		t.Fatalf("register 1001 through callhook: %v\n%s", err, p.srv.logs())
	}
	return p
}

// incoming calls 1001 from 3001 beside the PBX; the softphone answers.
// The call must ring at once and fire each hook once.
func (p *natProxy) incoming() {
	p.t.Helper()
	before := len(p.rc.requests())
	phone := p.agentSipp(siptest.SippOptions{Scenario: "uas.xml", Port: p.phonePort})
	start := time.Now()
	remote := p.bed.StartRemote(p.t, siptest.SippOptions{
		Scenario: "uac.xml", Remote: p.bed.PBXAddr, Service: "1001",
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	if err := remote.Wait(); err != nil {
		p.t.Fatalf("remote caller: %v\ncallhook:\n%s", err, p.srv.logs())
	}
	waitAll(p.t, phone)
	p.rc.callHooks(p.t, before, incomingHooks, map[string]string{
		"caller": "3001", "callee": "1001", "name": "Remote Party", "outcome": "answered"})
	p.ringsAtOnce(before, start)
}

// outgoing calls 2001, registered beside the PBX, from the softphone.
func (p *natProxy) outgoing() {
	p.t.Helper()
	before := len(p.rc.requests())
	port := siptest.FreePort(p.t)
	if err := p.bed.StartRemote(p.t, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: p.bed.PBXAddr, Service: "2001"}).Wait(); err != nil {
		p.t.Fatalf("register 2001 at the pbx: %v", err)
	}
	remote := p.bed.StartRemote(p.t, siptest.SippOptions{Scenario: "uas.xml", Port: port})
	phone := p.agentSipp(siptest.SippOptions{Scenario: "uac.xml", Remote: p.listen, Service: "2001",
		Keys: map[string]string{"caller": "1001", "caller_name": "Agent"}})
	if err := phone.Wait(); err != nil {
		p.t.Fatalf("softphone calling out: %v\ncallhook:\n%s", err, p.srv.logs())
	}
	waitAll(p.t, remote)
	p.rc.callHooks(p.t, before, outgoingHooks, map[string]string{
		"caller": "1001", "callee": "2001", "outcome": "answered"})
}

// TestRunProxyModeBehindNAT: `callhook run` in proxy mode on an agent's
// machine behind NAT. Incoming calls reach the softphone fresh, after an
// idle gap longer than the router's UDP timeout (keepalives hold the
// mapping), and right after a restart (bindings from proxy-state.json);
// outgoing calls work; every hook arrives once. Over UDP the PBX reaches
// Callhook through the mapping; over TCP through the connection Callhook
// opened.
func TestRunProxyModeBehindNAT(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		transport string
		port      int
	}{
		{"udp", 5060},
		{"tcp", 5080},
	} {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			p := startNATProxy(t, tc.transport, tc.port)

			t.Log("incoming call, fresh registration")
			p.incoming()
			p.checkPublic()

			t.Logf("idle %v, then an incoming call", natGap)
			time.Sleep(natGap)
			p.incoming()

			t.Log("outgoing call")
			p.outgoing()

			t.Log("restart, then an incoming call")
			if _, err := os.Stat(filepath.Join(p.e.data, "proxy-state.json")); err != nil {
				t.Errorf("no proxy state before the restart: %v", err)
			}
			p.srv.stop()
			p.run("state=registered")
			p.incoming()
			p.checkPublic()
			if testing.Verbose() {
				t.Logf("callhook run after the restart:\n%s", p.srv.logs())
			}
			p.srv.stop()
		})
	}
}

// TestRunDialogModeBehindNAT: `callhook run` in dialog mode behind NAT
// subscribes to 1002's dialogs at the PBX. Both call parties live beside
// the PBX; what crosses the NAT is the subscription and its NOTIFYs. A
// call after an idle gap longer than the router's UDP timeout still
// fires the hooks (keepalives hold the mapping), and so does one after
// the subscription's refresh (at 80% of 75 s), sent from behind the NAT.
func TestRunDialogModeBehindNAT(t *testing.T) {
	t.Parallel()
	const user, password, expires = "1002", "pw1002", 75
	a := startNATAgent(t, siptest.BedOptions{Config: "dialog", User: user, Password: password},
		func(b *siptest.Bed, url string) string {
			return fmt.Sprintf(`{
  "version": 1, "enabled": true, "user": "agent",
  "source": {"mode": "dialog", "dialog": {"server": %q, "transport": "udp", "domain": %q, "username": %q,
             "password_secret": "sip", "watch": [%q], "expires": %d}},
  "hooks": [{"id": "log", "enabled": true,
    "triggers": ["incoming.ring","incoming.answer","incoming.hangup","incoming.missed","outgoing.start","outgoing.answer","outgoing.hangup"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"remote\":\"{remote}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\"}"}]
}`, b.PBXAddr, b.PBXIP, user, user, expires, url)
		})
	a.e.vars = append(a.e.vars, "CALLHOOK_SECRET_SIP="+password)
	a.run("state=subscribed")
	subscribed := time.Now()

	call := func(caller, callee string, triggers []string, remote string) {
		t.Helper()
		before := len(a.rc.requests())
		phone := a.bed.StartRemote(t, siptest.SippOptions{Scenario: "dialog_uas.xml", Args: []string{"-d", "300"}})
		if err := a.bed.StartRemote(t, siptest.SippOptions{
			Scenario: "dialog_uac.xml", Service: callee, Remote: net.JoinHostPort(a.bed.PBXIP, strconv.Itoa(phone.Port)),
			Keys: map[string]string{"caller": caller},
			Args: []string{"-rsa", a.bed.PBXAddr, "-d", "500"},
		}).Wait(); err != nil {
			t.Fatalf("caller's sipp: %v", err)
		}
		waitAll(t, phone)
		a.rc.callHooks(t, before, triggers, map[string]string{
			"caller": caller, "callee": callee, "remote": remote, "outcome": "answered"})
		if t.Failed() {
			t.Fatalf("callhook run:\n%s", a.srv.logs())
		}
	}

	t.Log("incoming call")
	call("1001", user, incomingHooks, "1001")
	a.checkPublic()

	t.Logf("idle %v, then an incoming call", natGap)
	time.Sleep(natGap)
	call("1001", user, incomingHooks, "1001")

	t.Log("past the subscription's refresh, an outgoing call")
	time.Sleep(time.Until(subscribed.Add(expires * time.Second * 8 / 10).Add(3 * time.Second)))
	call(user, "1003", outgoingHooks, "1003")
	logs := a.srv.logs()
	if strings.Contains(logs, "level=WARN") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("callhook run warned:\n%s", logs)
	}
	// A refresh that failed would subscribe anew, and say so again.
	if n := strings.Count(logs, "msg=subscribed"); n != 1 {
		t.Errorf("subscribed %d times, want once, kept by its refresh:\n%s", n, logs)
	}
	if testing.Verbose() {
		t.Logf("callhook run:\n%s", logs)
	}
	a.srv.stop()
}
