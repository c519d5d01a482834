package hooks

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

// The delivery detail shows the request as sent, rebuilt from the
// journal, with every secret masked: header secrets, the URL's password,
// the body's secret, the signature.
func TestSentRequestMasksSecrets(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	u := strings.Replace(rc.URL, "http://", "http://max:{secret.pw}@", 1)
	h := Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionPost,
		URL: u + "/calls?caller={caller}", ContentType: "application/json",
		Body:          `{"caller":"{caller}","token":"{secret.crm}"}`,
		Headers:       map[string]string{"X-Token": "Bearer {secret.crm}", "X-Plain": "hello"},
		SigningSecret: "sign"}
	secrets := MapSecrets{"crm": "CRMSECRET-4242", "pw": "PWSECRET-77", "sign": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	d, j := startDispatcher(t, testConfig(h), WithSecrets(secrets))
	c := testCall("view-1")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	got := deliveriesOf(t, j, c.ID)
	if len(got) != 1 {
		t.Fatalf("journal has %d deliveries, want 1", len(got))
	}
	text, err := j.SentRequest(context.Background(), got[0].WebhookID)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"CRMSECRET-4242", "PWSECRET-77", "whsec_", rc.requests()[0].header.Get(HeaderWebhookSignature)} {
		if strings.Contains(text, secret) {
			t.Errorf("the shown request holds the secret %q:\n%s", secret, text)
		}
	}
	for _, want := range []string{
		"POST http://max:" + SecretMask + "@",
		"/calls?caller=",
		"Authorization: Basic " + SecretMask,
		"X-Token: Bearer " + SecretMask,
		"X-Plain: hello",
		"Webhook-Signature: " + SecretMask,
		"Webhook-Id: " + got[0].WebhookID,
		`"token":"` + SecretMask + `"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the shown request lacks %q:\n%s", want, text)
		}
	}
	if _, err := j.SentRequest(context.Background(), "no-such-id"); err == nil {
		t.Error("an unknown delivery gave no error")
	}
}
