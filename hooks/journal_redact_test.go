package hooks

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

func TestSecretRecorderRedact(t *testing.T) {
	r := NewSecretRecorder(MapSecrets{"crm": "CRMSECRET-4242", "odd": `a&b"<c>`, "spaced": "pass word+1"})
	for _, name := range []string{"crm", "odd", "spaced"} {
		if _, err := r.Get(name); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, in, want string }{
		{"as sent", "Authorization: Bearer CRMSECRET-4242", "Authorization: Bearer ***"},
		{"json escaped", `{"X-Odd":["a\u0026b\"\u003cc\u003e"]}`, `{"X-Odd":["***"]}`},
		{"percent-encoded", "q=a%26b%22%3Cc%3E", "q=***"},
		{"as a URL template renders a query value", "open https://ucware.example/?token=pass%20word%2B1 failed", "open https://ucware.example/?token=*** failed"},
		{"base64", "Q1JNU0VDUkVULTQyNDI=", "***"},
		{"cut by the excerpt", "token: CRMSEC", "token: ***"},
		{"too short a tail to tell", "tail CRM", "tail CRM"},
		{"no secret", "ok", "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A receiver that echoes the request's headers into its body: nothing
// Callhook sent as a secret comes back in the result.
func TestTestResultMasksEchoedSecrets(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(r.Header)
	})
	key := "whsec_" + strings.Repeat("QUJD", 8)
	secrets := MapSecrets{"crm": "CRMSECRET-4242", "pw": "hunter2-pass", "sig": key}
	h := Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionPost,
		URL:     strings.Replace(rc.URL, "http://", "http://api:{secret.pw}@", 1) + "/",
		Headers: map[string]string{"Authorization": "Bearer {secret.crm}", "X-Api-Key": "literal-key-77"}, SigningSecret: "sig"}
	d := NewDispatcher(nil, testConfig(h), WithSecrets(secrets), WithLogger(discardLogger()))
	res, err := d.Test(context.Background(), h, call.IncomingRing)
	if err == nil || res.StatusCode != http.StatusBadRequest {
		t.Fatalf("Test = %d, %v", res.StatusCode, err)
	}
	if !strings.Contains(res.Response, `"Authorization":`) {
		t.Fatalf("the receiver did not echo the headers: %q", res.Response)
	}
	for _, leak := range []string{"CRMSECRET-4242", "hunter2-pass", "YXBpOmh1bnRlcjItcGFzcw==", "literal-key-77", strings.Repeat("QUJD", 8)} {
		if strings.Contains(res.Response, leak) || strings.Contains(res.Error, leak) {
			t.Errorf("result holds %q: %q", leak, res.Response)
		}
	}
	if !strings.Contains(res.Response, `"Authorization":["***"]`) {
		t.Errorf("response %q does not show the mask", res.Response)
	}
}

// What the journal keeps of a delivery's response carries none of the
// secrets the request sent, even when the receiver echoes them all.
func TestJournalKeepsNoEchoedSecrets(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest) // no retry: one attempt to look at
		json.NewEncoder(w).Encode(r.Header)
	})
	h := Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionPost,
		URL: rc.URL + "/", Headers: map[string]string{"Authorization": "Bearer {secret.crm}"}}
	d, j := startDispatcher(t, testConfig(h), WithSecrets(MapSecrets{"crm": "CRMSECRET-4242"}))
	c := testCall("echo-1")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	if len(rc.requests()) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(rc.requests()))
	}
	got := deliveriesOf(t, j, c.ID)
	if len(got) != 1 {
		t.Fatalf("journal has %d deliveries, want 1", len(got))
	}
	full, err := j.Delivery(context.Background(), got[0].WebhookID)
	if err != nil || len(full.History) != 1 {
		t.Fatalf("delivery %+v, %v: want one attempt", full, err)
	}
	a := full.History[0]
	if strings.Contains(a.Response, "CRMSECRET-4242") || strings.Contains(a.Error, "CRMSECRET-4242") {
		t.Errorf("journal keeps the echoed secret: response %q error %q", a.Response, a.Error)
	}
	if !strings.Contains(a.Response, SecretMask) {
		t.Errorf("journal response %q does not show the mask", a.Response)
	}
}
