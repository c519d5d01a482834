//go:build unix

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// The whole product against real peers: `callhook run` in proxy mode
// between a sipp softphone and Kamailio, hooks delivered to a loopback
// receiver with the values of the real SIP call.
func TestRunProxyModeAgainstKamailio(t *testing.T) {
	bin := siptest.RequirePeers(t)
	kam := siptest.StartKamailio(t, bin, filepath.Join(siptest.RepoRoot(t), "testdata", "kamailio", "proxy.cfg"))
	rc := newReceiver(t)
	listen := siptest.Addr(siptest.FreePort(t))
	e := newEnv(t, fmt.Sprintf(`{
  "version": 1, "enabled": true, "user": "agent", "country_code": "49",
  "source": {"mode": "proxy", "proxy": {"listen": %q, "upstream": %q, "transport": "udp"}},
  "hooks": [{"id": "log", "enabled": true,
    "triggers": ["incoming.ring","incoming.answer","incoming.hangup","incoming.missed"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"name\":\"{remote_name}\",\"ticket\":\"{header.X-Ticket}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\"}"}]
}`, listen, kam.Addr(), rc.URL+"/events"))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := e.startRun(ctx)
	srv.waitLog("state=listening", 15*time.Second)

	phonePort := siptest.FreePort(t)
	if err := siptest.RunSipp(t, bin, siptest.SippOptions{
		Scenario: "register.xml", Port: phonePort, Remote: listen, Service: "1001",
		Args: []string{"-au", "1001", "-ap", "secret"},
	}); err != nil {
		t.Fatalf("register through callhook: %v\n%s", err, srv.logs())
	}

	calls := []struct {
		name, caller, phone string
		triggers            []string
		outcome             string
		ticket              string // the scenario's X-Ticket header
	}{
		{"answered", "uac.xml", "uas.xml", []string{"incoming.ring", "incoming.answer", "incoming.hangup"}, "answered", "T-1"},
		{"missed", "uac_cancel.xml", "uas_ring.xml", []string{"incoming.ring", "incoming.hangup", "incoming.missed"}, "missed", ""},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			before := len(rc.requests())
			phone := siptest.StartSipp(t, bin, siptest.SippOptions{Scenario: c.phone, Port: phonePort})
			remote := siptest.StartSipp(t, bin, siptest.SippOptions{
				Scenario: c.caller, Remote: kam.Addr(), Service: "1001",
				Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
			})
			if err := remote.Wait(); err != nil {
				t.Fatalf("remote party's sipp failed: %v\n%s", err, remote.Report())
			}
			if err := phone.Wait(); err != nil {
				t.Fatalf("softphone's sipp failed: %v\n%s", err, phone.Report())
			}
			rc.callHooks(t, before, c.triggers, map[string]string{
				"caller": "3001", "callee": "1001", "name": "Remote Party", "ticket": c.ticket, "outcome": c.outcome})
		})
	}

	srv.stop()
}

// `callhook run` in dialog mode: it subscribes to extension 1002's dialog
// events at Kamailio (digest auth with the password from a secret), and
// the calls sipp makes through Kamailio fire the hooks at a loopback
// receiver.
func TestRunDialogModeAgainstKamailio(t *testing.T) {
	const agent, password = "1002", "pw1002"
	bin := siptest.RequirePeers(t)
	pbx := siptest.StartDialogPBX(t, bin, agent, password)
	rc := newReceiver(t)
	e := newEnv(t, fmt.Sprintf(`{
  "version": 1, "enabled": true, "user": "agent",
  "source": {"mode": "dialog", "dialog": {"server": %q, "domain": "127.0.0.1", "username": %q,
             "password_secret": "sip", "watch": [%q], "expires": 120}},
  "hooks": [{"id": "log", "enabled": true,
    "triggers": ["incoming.ring","incoming.answer","incoming.hangup","incoming.missed","outgoing.start","outgoing.answer","outgoing.hangup"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"remote\":\"{remote}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\"}"}]
}`, pbx.Addr(), agent, agent, rc.URL+"/events"))
	e.vars = append(e.vars, "CALLHOOK_SECRET_SIP="+password)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := e.startRun(ctx)
	srv.waitLog("state=subscribed", 15*time.Second)

	calls := []struct {
		name, caller, callee, uac, uas string
		triggers                       []string
		remote, outcome                string
	}{
		{"answered incoming", "1001", agent, "dialog_uac.xml", "dialog_uas.xml",
			[]string{"incoming.ring", "incoming.answer", "incoming.hangup"}, "1001", "answered"},
		{"answered outgoing", agent, "1003", "dialog_uac.xml", "dialog_uas.xml",
			[]string{"outgoing.start", "outgoing.answer", "outgoing.hangup"}, "1003", "answered"},
		{"missed incoming", "1001", agent, "dialog_uac_cancel.xml", "dialog_uas_cancel.xml",
			[]string{"incoming.ring", "incoming.hangup", "incoming.missed"}, "1001", "missed"},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			before := len(rc.requests())
			callee := siptest.StartSipp(t, bin, siptest.SippOptions{Scenario: c.uas, Args: []string{"-d", "300"}})
			if err := siptest.RunSipp(t, bin, siptest.SippOptions{
				Scenario: c.uac, Service: c.callee, Remote: siptest.Addr(callee.Port),
				Keys: map[string]string{"caller": c.caller},
				Args: []string{"-rsa", pbx.Addr(), "-d", "500"},
			}); err != nil {
				t.Fatalf("caller's sipp failed: %v", err)
			}
			if err := callee.Wait(); err != nil {
				t.Fatalf("callee's sipp failed: %v\n%s", err, callee.Report())
			}
			rc.callHooks(t, before, c.triggers, map[string]string{
				"caller": c.caller, "callee": c.callee, "remote": c.remote, "outcome": c.outcome})
			if t.Failed() {
				t.Logf("callhook run:\n%s", srv.logs())
			}
		})
	}
	srv.stop()
}
