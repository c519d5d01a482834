package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// testSigningKey is a Standard Webhooks key (whsec_ + base64).
const testSigningKey = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// allTriggersConfig has one signed JSON POST hook on every trigger and one
// GET hook whose query carries the caller's name.
func allTriggersConfig(base string) string {
	return fmt.Sprintf(`{
  "version": 1,
  "enabled": true,
  "user": "max",
  "country_code": "49",
  "source": {"mode": "none"},
  "queues": [{"name": "Support", "numbers": ["200"]}],
  "hooks": [
    {"id": "log", "name": "Log every event", "enabled": true,
     "triggers": ["outgoing.start","outgoing.answer","outgoing.hangup","incoming.ring","incoming.answer","incoming.hangup","incoming.missed","queue.ring","queue.answer","queue.hangup","queue.missed"],
     "action": "post", "url": %q,
     "content_type": "application/json",
     "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"remote\":\"{remote|e164}\",\"name\":\"{remote_name}\",\"duration\":{duration},\"queue\":\"{queue}\",\"outcome\":\"{outcome}\",\"user\":\"{user}\",\"call_id\":\"{call_id}\",\"direction\":\"{direction}\"}",
     "headers": {"X-Agent": "{user}"},
     "timeout": "5s", "retries": 3, "signing_secret": "hooksig"},
    {"id": "lookup", "enabled": true, "triggers": ["incoming.answer"],
     "action": "get", "url": %q}
  ]
}`, base+"/events", base+"/lookup?phone={remote|e164}&name={remote_name}")
}

func TestSimulateDeliversEveryTrigger(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, allTriggersConfig(rc.URL))
	e.vars = append(e.vars, "CALLHOOK_SECRET_HOOKSIG="+testSigningKey)
	wh, err := standardwebhooks.NewWebhook(testSigningKey)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name     string
		args     []string
		triggers []string
		check    func(t *testing.T, ev map[string]any)
	}{
		{
			name:     "answered incoming",
			args:     []string{"--direction", "in", "--remote", "030 1234567", "--name", `Jane "JD" Doe & Co`, "--answer-after", "100ms", "--hangup-after", "1100ms"},
			triggers: []string{"incoming.ring", "incoming.answer", "incoming.hangup"},
			check: func(t *testing.T, ev map[string]any) {
				want := map[string]any{"caller": "030 1234567", "remote": "+49301234567", "name": `Jane "JD" Doe & Co`, "direction": "in", "queue": "", "user": "max"}
				for k, v := range want {
					if ev[k] != v {
						t.Errorf("%s: %s = %#v, want %#v", ev["trigger"], k, ev[k], v)
					}
				}
				if ev["trigger"] == "incoming.hangup" {
					if ev["outcome"] != "answered" || ev["duration"] != float64(1) {
						t.Errorf("hangup: outcome %v duration %v, want answered 1", ev["outcome"], ev["duration"])
					}
				}
			},
		},
		{
			name:     "missed incoming",
			args:     []string{"--direction", "in", "--remote", "+4930999", "--hangup-after", "200ms"},
			triggers: []string{"incoming.ring", "incoming.hangup", "incoming.missed"},
			check: func(t *testing.T, ev map[string]any) {
				if ev["trigger"] != "incoming.ring" && (ev["outcome"] != "missed" || ev["duration"] != float64(0)) {
					t.Errorf("%s: outcome %v duration %v, want missed 0", ev["trigger"], ev["outcome"], ev["duration"])
				}
			},
		},
		{
			name:     "queue call",
			args:     []string{"--direction", "in", "--remote", "555", "--queue", "Support", "--answer-after", "100ms", "--hangup-after", "300ms"},
			triggers: []string{"queue.ring", "queue.answer", "queue.hangup"},
			check: func(t *testing.T, ev map[string]any) {
				if ev["queue"] != "Support" {
					t.Errorf("%s: queue %v, want Support", ev["trigger"], ev["queue"])
				}
			},
		},
		{
			name:     "answered outgoing",
			args:     []string{"--direction", "out", "--remote", "0049 89 555", "--answer-after", "100ms", "--hangup-after", "300ms"},
			triggers: []string{"outgoing.start", "outgoing.answer", "outgoing.hangup"},
			check: func(t *testing.T, ev map[string]any) {
				if ev["callee"] != "0049 89 555" || ev["remote"] != "+4989555" || ev["direction"] != "out" {
					t.Errorf("%s: callee %v remote %v direction %v", ev["trigger"], ev["callee"], ev["remote"], ev["direction"])
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(rc.requests())
			r := e.mustRun("", append([]string{"simulate"}, tc.args...)...)
			for _, tr := range tc.triggers {
				if !strings.Contains(r.stdout, tr) {
					t.Errorf("simulate output does not mention %s:\n%s", tr, r.stdout)
				}
			}
			var events []map[string]any
			callIDs := map[any]bool{}
			webhookIDs := map[string]bool{}
			for _, req := range rc.requests()[before:] {
				if req.Path != "/events" {
					continue
				}
				if err := wh.Verify(req.Body, req.Header); err != nil {
					t.Errorf("signature does not verify: %v", err)
				}
				id := req.Header.Get("webhook-id")
				if webhookIDs[id] {
					t.Errorf("webhook-id %s delivered twice", id)
				}
				webhookIDs[id] = true
				if req.Header.Get("X-Agent") != "max" {
					t.Errorf("X-Agent header %q, want max", req.Header.Get("X-Agent"))
				}
				ev := decodeJSON(t, req.Body)
				events = append(events, ev)
				callIDs[ev["call_id"]] = true
				tc.check(t, ev)
			}
			var got []string
			for _, ev := range events {
				got = append(got, fmt.Sprint(ev["trigger"]))
			}
			if strings.Join(got, " ") != strings.Join(tc.triggers, " ") {
				t.Errorf("triggers arrived %v, want %v once each, in order", got, tc.triggers)
			}
			if len(callIDs) != 1 {
				t.Errorf("events carry %d call ids, want 1", len(callIDs))
			}
		})
	}

	// The GET hook fired once, on incoming.answer, with the hostile display
	// name confined to its query value.
	var lookups []received
	for _, req := range rc.requests() {
		if req.Path == "/lookup" {
			lookups = append(lookups, req)
		}
	}
	if len(lookups) != 1 {
		t.Fatalf("GET hook fired %d times, want 1", len(lookups))
	}
	q, err := url.ParseQuery(lookups[0].Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q.Get("phone") != "+49301234567" || q.Get("name") != `Jane "JD" Doe & Co` {
		t.Errorf("GET query %q parsed as %v", lookups[0].Query, q)
	}
	if lookups[0].Method != http.MethodGet || len(lookups[0].Body) != 0 {
		t.Errorf("GET hook sent %s with %d body bytes", lookups[0].Method, len(lookups[0].Body))
	}

	// history shows the calls and their deliveries.
	h := e.mustRun("", "history", "--json", "--limit", "10")
	var hist []struct {
		ID         string `json:"ID"`
		Deliveries []struct {
			WebhookID string `json:"webhook_id"`
		} `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(h.stdout), &hist); err != nil {
		t.Fatalf("history --json is not a JSON array of calls: %v\n%s", err, h.stdout)
	}
	if len(hist) != len(cases) {
		t.Errorf("history lists %d calls, want %d", len(hist), len(cases))
	}
	for _, c := range hist {
		if c.ID == "" || len(c.Deliveries) == 0 || c.Deliveries[0].WebhookID == "" {
			t.Errorf("history call %+v has no id or no deliveries\n%s", c, h.stdout)
		}
	}
}

func TestOutageRetriesUntilDelivered(t *testing.T) {
	rc := newReceiver(t)
	rc.setRespond(func(n int, _ received) (int, http.Header) {
		if n < 3 {
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"1"}}
		}
		return http.StatusOK, nil
	})
	e := newEnv(t, fmt.Sprintf(`{"version":1,"enabled":true,"source":{"mode":"none"},
  "hooks":[{"id":"log","enabled":true,"triggers":["incoming.ring"],"action":"post","url":%q,"body":"{json}","retries":5}]}`, rc.URL+"/ring"))
	start := time.Now()
	r := e.mustRun("", "simulate", "--direction", "in", "--remote", "100", "--hangup-after", "10ms", "--wait", "60s")
	got := rc.requests()
	if len(got) != 4 {
		t.Fatalf("receiver got %d requests, want 4 (3 x 503, then 200)\n%s", len(got), r.stdout)
	}
	id := got[0].Header.Get("webhook-id")
	for i, req := range got {
		if req.Header.Get("webhook-id") != id {
			t.Errorf("attempt %d has webhook-id %q, want %q (stable across retries)", i+1, req.Header.Get("webhook-id"), id)
		}
		if i > 0 && req.At.Sub(got[i-1].At) < 900*time.Millisecond {
			t.Errorf("attempt %d came %v after the previous one: Retry-After: 1 not honoured", i+1, req.At.Sub(got[i-1].At))
		}
	}
	if !strings.Contains(r.stdout, "delivered") {
		t.Errorf("simulate output does not report the delivery:\n%s", r.stdout)
	}
	t.Logf("delivered after %d attempts in %v", len(got), time.Since(start).Round(time.Millisecond))
}
