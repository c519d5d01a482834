package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
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
			got := rc.waitFor(t, before+len(c.triggers), 15*time.Second)
			time.Sleep(500 * time.Millisecond) // a duplicate would show now
			got = rc.requests()[before:]
			var triggers []string
			ids := map[any]bool{}
			for _, req := range got {
				ev := decodeJSON(t, req.Body)
				triggers = append(triggers, fmt.Sprint(ev["trigger"]))
				ids[ev["call_id"]] = true
				if ev["caller"] != "3001" || ev["callee"] != "1001" || ev["name"] != "Remote Party" || ev["ticket"] != c.ticket {
					t.Errorf("%s: caller %v callee %v name %v ticket %v", ev["trigger"], ev["caller"], ev["callee"], ev["name"], ev["ticket"])
				}
				if tr := ev["trigger"]; (tr == "incoming.hangup" || tr == "incoming.missed") && ev["outcome"] != c.outcome {
					t.Errorf("%s: outcome %v, want %s", tr, ev["outcome"], c.outcome)
				}
			}
			if strings.Join(triggers, " ") != strings.Join(c.triggers, " ") {
				t.Errorf("receiver got %v, want %v once each, in order", triggers, c.triggers)
			}
			if len(ids) != 1 {
				t.Errorf("%d call ids, want 1", len(ids))
			}
		})
	}

	srv.stop()
}
