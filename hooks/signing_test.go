package hooks

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callhook/callhook/call"
)

// The Standard Webhooks spec's published example (also in its libraries'
// test suites).
func TestSignSpecExample(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestSignVerifies(t *testing.T) {
	const id = "msg_abc"
	body := []byte(`{"caller":"+4930123"}`)
	now := time.Now()
	sig, err := Sign(testSigningKey, id, now, body)
	if err != nil {
		t.Fatal(err)
	}
	valid := func() http.Header {
		h := http.Header{}
		h.Set(HeaderWebhookID, id)
		h.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
		h.Set(HeaderWebhookSignature, sig)
		return h
	}
	tests := []struct {
		name    string
		mutate  func(h http.Header, body []byte) []byte
		wantErr bool
	}{
		{"valid", func(h http.Header, b []byte) []byte { return b }, false},
		{"body changed", func(h http.Header, b []byte) []byte { return []byte(`{"caller":"+4930124"}`) }, true},
		{"other id", func(h http.Header, b []byte) []byte { h.Set(HeaderWebhookID, "msg_abd"); return b }, true},
		{"other timestamp", func(h http.Header, b []byte) []byte {
			h.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix()+1, 10))
			return b
		}, true},
	}
	wh, err := standardwebhooks.NewWebhook(testSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := valid()
			b := tt.mutate(h, append([]byte(nil), body...))
			if err := wh.Verify(b, h); (err != nil) != tt.wantErr {
				t.Errorf("Verify = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestSignRejectsBadKeys(t *testing.T) {
	for _, key := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!"} {
		if _, err := Sign(key, "msg_x", time.Now(), nil); err == nil {
			t.Errorf("Sign accepted key %q", key)
		}
	}
}

func TestWebhookID(t *testing.T) {
	a := WebhookID("call-1", "crm", call.IncomingAnswer)
	if a != WebhookID("call-1", "crm", call.IncomingAnswer) {
		t.Error("WebhookID is not stable")
	}
	if len(a) != len("msg_")+32 || a[:4] != "msg_" {
		t.Errorf("WebhookID = %q, want msg_ and 32 hex digits", a)
	}
	for _, other := range []string{
		WebhookID("call-2", "crm", call.IncomingAnswer),
		WebhookID("call-1", "log", call.IncomingAnswer),
		WebhookID("call-1", "crm", call.QueueAnswer),
	} {
		if other == a {
			t.Errorf("different call, hook or trigger gave the same id %s", a)
		}
	}
}
