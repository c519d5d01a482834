package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callhook/callhook/call"
)

const testSigningKey = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestDeliverSignedPost(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusOK))
	hook := Hook{
		ID: "log", Name: "Log call", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
		Action: ActionPost, URL: rc.URL + "/calls?from={caller}", ContentType: "application/json",
		Body:          `{"caller":"{caller}","name":"{remote_name}"}`,
		Headers:       map[string]string{"Authorization": "Bearer {secret.crm}"},
		SigningSecret: "hooksig",
	}
	d, j := startDispatcher(t, testConfig(hook),
		WithSecrets(MapSecrets{"crm": "t0ken", "hooksig": testSigningKey}))
	c := testCall("call-1")
	c.Caller = call.Party{Number: "+49 30 1234&x=1", Name: `Evil "quote"`}
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	wantID := WebhookID(c.ID, hook.ID, call.IncomingRing)
	checks := []struct{ name, got, want string }{
		{"method", r.method, http.MethodPost},
		{"path", r.path, "/calls"},
		{"query", r.query, "from=%2B49%2030%201234%26x%3D1"},
		{"webhook-id", r.header.Get(HeaderWebhookID), wantID},
		{"content-type", r.header.Get(HeaderContentType), "application/json"},
		{"user-agent", r.header.Get(HeaderUserAgent), "Callhook/" + Version},
		{"authorization", r.header.Get("Authorization"), "Bearer t0ken"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	var body map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body %s is not JSON: %v", r.body, err)
	}
	if body["caller"] != c.Caller.Number || body["name"] != c.Caller.Name {
		t.Errorf("body = %v, want the caller's number and name", body)
	}
	ts, err := strconv.ParseInt(r.header.Get(HeaderWebhookTimestamp), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Errorf("webhook-timestamp = %q, want the attempt's Unix time", r.header.Get(HeaderWebhookTimestamp))
	}
	wh, err := standardwebhooks.NewWebhook(testSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(r.body, r.header); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}

	ds := deliveriesOf(t, j, c.ID)
	if len(ds) != 1 || ds[0].State != StateDelivered || ds[0].Attempts != 1 || ds[0].StatusCode != 200 {
		t.Fatalf("journal deliveries = %+v, want one delivered after 1 attempt", ds)
	}
	if ds[0].WebhookID != wantID {
		t.Errorf("journal webhook id = %s, want %s", ds[0].WebhookID, wantID)
	}
}

func TestDeliverGetHasNoBody(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusNoContent))
	hook := Hook{ID: "g", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup},
		Action: ActionGet, URL: rc.URL + "/hangup/{remote|digits}", Body: "ignored"}
	d, _ := startDispatcher(t, testConfig(hook))
	c := testCall("call-get")
	d.Handle(event(c, call.IncomingHangup))
	waitCall(t, d, c.ID)
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	if reqs[0].method != http.MethodGet || len(reqs[0].body) != 0 || reqs[0].path != "/hangup/03012345678" {
		t.Errorf("request = %s %s body %q, want GET /hangup/03012345678 without body", reqs[0].method, reqs[0].path, reqs[0].body)
	}
	if reqs[0].header.Get(HeaderWebhookSignature) != "" {
		t.Errorf("unsigned hook sent a signature")
	}
}

func TestFiresOncePerCallPerHookPerTrigger(t *testing.T) {
	on := Hook{ID: "on", Enabled: true, Triggers: []call.Trigger{call.IncomingRing, call.IncomingAnswer}, Action: ActionGet}
	tests := []struct {
		name     string
		global   bool
		hook     func(h Hook) Hook
		triggers []call.Trigger
		want     int
	}{
		{"one event", true, nil, []call.Trigger{call.IncomingRing}, 1},
		{"duplicate events", true, nil, []call.Trigger{call.IncomingRing, call.IncomingRing, call.IncomingRing}, 1},
		{"two triggers", true, nil, []call.Trigger{call.IncomingRing, call.IncomingAnswer, call.IncomingRing}, 2},
		{"global switch off", false, nil, []call.Trigger{call.IncomingRing}, 0},
		{"hook disabled", true, func(h Hook) Hook { h.Enabled = false; return h }, []call.Trigger{call.IncomingRing}, 0},
		{"trigger not chosen", true, nil, []call.Trigger{call.IncomingHangup}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, statuses(http.StatusOK))
			h := on
			h.URL = rc.URL + "/x"
			if tt.hook != nil {
				h = tt.hook(h)
			}
			cfg := testConfig(h)
			cfg.Enabled = tt.global
			d, j := startDispatcher(t, cfg)
			c := testCall("call-" + tt.name)
			for _, tr := range tt.triggers {
				d.Handle(event(c, tr))
			}
			waitCall(t, d, c.ID)
			if reqs := rc.requests(); len(reqs) != tt.want {
				var ids []string
				for _, r := range reqs {
					ids = append(ids, r.header.Get(HeaderWebhookID))
				}
				t.Errorf("got %d requests (webhook ids %v), want %d", len(reqs), ids, tt.want)
			}
			// The call is journaled whether or not a hook fired.
			if ds := deliveriesOf(t, j, c.ID); len(ds) != tt.want {
				t.Errorf("journal has %d deliveries, want %d", len(ds), tt.want)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		codes     []int
		retries   *int
		wantState State
		wantReqs  int
	}{
		{"503 three times then 200", []int{503, 503, 503, 200}, nil, StateDelivered, 4},
		{"429 then 200", []int{429, 200}, nil, StateDelivered, 2},
		{"408 then 200", []int{408, 200}, nil, StateDelivered, 2},
		{"404 is not retried", []int{404, 200}, nil, StateFailed, 1},
		{"302 is not followed nor retried", []int{302, 200}, nil, StateFailed, 1},
		{"retries exhausted", []int{500}, intp(2), StateFailed, 3},
		{"no retries", []int{500, 200}, intp(0), StateFailed, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rc *receiver
			rc = newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
				code := tt.codes[min(n, len(tt.codes))-1]
				if code == http.StatusFound {
					w.Header().Set("Location", rc.URL+"/elsewhere")
				}
				w.WriteHeader(code)
				w.Write([]byte("attempt " + strconv.Itoa(n) + "\x1b[31m\n"))
			})
			h := Hook{ID: "r", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
				Action: ActionPost, URL: rc.URL + "/hook", Retries: tt.retries}
			d, j := startDispatcher(t, testConfig(h))
			var results []Result
			done := make(chan struct{})
			cancel := d.Subscribe(func(r Result) {
				results = append(results, r)
				if r.Final {
					close(done)
				}
			})
			defer cancel()
			c := testCall("call-retry")
			d.Handle(event(c, call.IncomingRing))
			waitCall(t, d, c.ID)
			waitFor(t, done, "the final result")

			reqs := rc.requests()
			if len(reqs) != tt.wantReqs {
				t.Fatalf("got %d requests, want %d", len(reqs), tt.wantReqs)
			}
			for i, r := range reqs {
				if r.path != "/hook" {
					t.Errorf("request %d went to %s: a redirect was followed", i+1, r.path)
				}
				if id := r.header.Get(HeaderWebhookID); id != WebhookID(c.ID, "r", call.IncomingRing) {
					t.Errorf("request %d webhook-id = %s, want the same stable id", i+1, id)
				}
			}
			e, err := j.Delivery(context.Background(), WebhookID(c.ID, "r", call.IncomingRing))
			if err != nil {
				t.Fatal(err)
			}
			if e.State != tt.wantState || e.Attempts != tt.wantReqs || len(e.History) != tt.wantReqs {
				t.Errorf("delivery = %s after %d attempts (%d in history), want %s after %d",
					e.State, e.Attempts, len(e.History), tt.wantState, tt.wantReqs)
			}
			if len(results) != tt.wantReqs {
				t.Fatalf("got %d results, want one per attempt (%d)", len(results), tt.wantReqs)
			}
			last := results[len(results)-1]
			if last.State != tt.wantState || last.Attempt != tt.wantReqs || !last.Final {
				t.Errorf("last result = %+v, want final %s on attempt %d", last, tt.wantState, tt.wantReqs)
			}
			// The escape character becomes a space; the newline is trimmed.
			if want := "attempt " + strconv.Itoa(tt.wantReqs) + " [31m"; last.Response != want {
				t.Errorf("response excerpt = %q, want %q (sanitised)", last.Response, want)
			}
			for _, r := range results[:len(results)-1] {
				if r.Final || r.State != StatePending || r.Error == "" {
					t.Errorf("intermediate result = %+v, want pending with an error", r)
				}
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set(HeaderRetryAfter, "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	h := Hook{ID: "ra", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: rc.URL}
	// Without Retry-After the retry would come within 10ms.
	d, _ := startDispatcher(t, testConfig(h), WithBackoff(time.Millisecond, 10*time.Second))
	c := testCall("call-ra")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	reqs := rc.requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	if gap := reqs[1].at.Sub(reqs[0].at); gap < 900*time.Millisecond {
		t.Errorf("retry came after %v, want >= 1s as Retry-After asked", gap)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rc := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { <-release })
	h := Hook{ID: "slow", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet,
		URL: rc.URL, Timeout: Duration(50 * time.Millisecond), Retries: intp(1)}
	d, j := startDispatcher(t, testConfig(h))
	c := testCall("call-slow")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	e, err := j.Delivery(context.Background(), WebhookID(c.ID, "slow", call.IncomingRing))
	if err != nil {
		t.Fatal(err)
	}
	if e.State != StateFailed || e.Attempts != 2 || e.Error != "no answer within 50 ms" {
		t.Errorf("delivery = %s after %d attempts, error %q; want failed after 2 timeouts", e.State, e.Attempts, e.Error)
	}
}

func TestMissingSecretFailsClearly(t *testing.T) {
	tests := []struct {
		name string
		hook Hook
		want string
	}{
		{"header secret", Hook{Headers: map[string]string{"Authorization": "Bearer {secret.crm}"}},
			"secret \"crm\" not found: set it with `callhook secret set crm` or CALLHOOK_SECRET_CRM"},
		{"signing secret", Hook{SigningSecret: "hook-sig"}, `secret "hook-sig" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, statuses(http.StatusOK))
			h := tt.hook
			h.ID, h.Enabled, h.Triggers, h.Action, h.URL = "s", true, []call.Trigger{call.IncomingRing}, ActionPost, rc.URL
			d, j := startDispatcher(t, testConfig(h))
			c := testCall("call-secret")
			d.Handle(event(c, call.IncomingRing))
			waitCall(t, d, c.ID)
			if n := len(rc.requests()); n != 0 {
				t.Errorf("got %d requests, want none", n)
			}
			ds := deliveriesOf(t, j, c.ID)
			if len(ds) != 1 || ds[0].State != StateFailed || ds[0].Attempts != 1 {
				t.Fatalf("deliveries = %+v, want one failed after one attempt", ds)
			}
			if !strings.Contains(ds[0].Error, tt.want) {
				t.Errorf("error = %q, want it to contain %q", ds[0].Error, tt.want)
			}
		})
	}
}

func TestResend(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusNotFound))
	h := Hook{ID: "rs", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: rc.URL}
	d, j := startDispatcher(t, testConfig(h))
	c := testCall("call-resend")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	id := WebhookID(c.ID, "rs", call.IncomingRing)
	rc.setRespond(statuses(http.StatusOK))
	ctx := context.Background()
	if err := d.Resend(ctx, id); err != nil {
		t.Fatalf("Resend: %v", err)
	}
	waitCall(t, d, c.ID)
	e, err := j.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != StateDelivered || len(e.History) != 2 {
		t.Errorf("after re-send: %s with %d attempts in history, want delivered with 2", e.State, len(e.History))
	}
	reqs := rc.requests()
	if len(reqs) != 2 || reqs[1].header.Get(HeaderWebhookID) != id {
		t.Errorf("re-sent request does not carry the same webhook-id")
	}
	if err := d.Resend(ctx, id); !errors.Is(err, ErrNotResendable) {
		t.Errorf("Resend of a delivered delivery: %v, want ErrNotResendable", err)
	}
	if err := d.Resend(ctx, "msg_nope"); !errors.Is(err, ErrDeliveryNotFound) {
		t.Errorf("Resend of an unknown id: %v, want ErrDeliveryNotFound", err)
	}
}

func TestTestFiresOnceWithSampleData(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusInternalServerError))
	h := Hook{ID: "t", Enabled: true, Triggers: []call.Trigger{call.IncomingAnswer}, Action: ActionGet,
		URL: rc.URL + "/t?n={remote}", Retries: intp(5)}
	d, j := startDispatcher(t, testConfig(h))
	res, err := d.Test(context.Background(), h, call.IncomingAnswer)
	if err == nil {
		t.Fatal("Test against a 500 receiver succeeded")
	}
	if res.StatusCode != 500 || res.State != StateFailed || !res.Final || res.Attempt != 1 {
		t.Errorf("result = %+v, want one final failed attempt with 500", res)
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("got %d requests, want exactly 1 (no retries)", n)
	}
	if q := rc.requests()[0].query; q != "n=03012345678" {
		t.Errorf("query = %q, want the sample caller", q)
	}
	calls, err := j.Calls(context.Background(), 10)
	if err != nil || len(calls) != 0 {
		t.Errorf("a test was journaled: %d calls, err %v", len(calls), err)
	}
	rc.setRespond(statuses(http.StatusOK))
	if res, err := d.Test(context.Background(), h, call.IncomingAnswer); err != nil || res.State != StateDelivered {
		t.Errorf("Test against a 200 receiver: %+v, %v", res, err)
	}
}

func TestSlowSubscriberDoesNotHoldDeliveries(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusOK))
	h := Hook{ID: "s", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: rc.URL}
	d, _ := startDispatcher(t, testConfig(h))
	block := make(chan struct{})
	defer close(block)
	got := make(chan Result, 100)
	cancel := d.Subscribe(func(r Result) {
		got <- r
		<-block
	})
	defer cancel()
	for i := range 20 {
		c := testCall("call-sub-" + strconv.Itoa(i))
		d.Handle(event(c, call.IncomingRing))
		waitCall(t, d, c.ID)
	}
	if n := len(rc.requests()); n != 20 {
		t.Errorf("got %d requests with a stuck subscriber, want 20", n)
	}
	select {
	case r := <-got:
		if r.HookID != "s" || r.State != StateDelivered || !r.Final {
			t.Errorf("first result = %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the subscriber never got a result")
	}
}
