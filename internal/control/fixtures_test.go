//go:build cgo || !darwin

package control

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/ui"
)

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

// hostileName is caller-supplied text that breaks naive JSON or HTML.
const hostileName = "Evil\"\n\u2028<b>"

// hostileCall returns a call full of hostile text, and the call as it
// must arrive: encoding/json replaces an invalid UTF-8 byte with U+FFFD.
func hostileCall() (sent, want call.Call) {
	sent = call.Call{
		ID: "c1@pbx", Direction: call.In, Queue: "sales",
		Caller: call.Party{Number: "+4930123456", Name: hostileName},
		Callee: call.Party{Number: "100", Name: "Anna </script>"},
		User:   "anna", Start: t0, Answer: t0.Add(2 * time.Second), Outcome: call.Answered,
		Headers: map[string]string{"x-evil": "a\"b\\c\r\n\u2028\u2029\x00", "x-bad-utf8": "bad\xffbyte"},
	}
	want = sent
	want.Headers = map[string]string{"x-evil": sent.Headers["x-evil"], "x-bad-utf8": "bad\ufffdbyte"}
	return sent, want
}

func testConfig() *hooks.Config {
	retries, notify := 3, false
	cfg := hooks.Default()
	cfg.User, cfg.CountryCode = "anna", "49"
	cfg.Source = hooks.Source{Mode: hooks.SourceDialog, Dialog: hooks.DialogSource{
		Server: "pbx.example:5060", Username: "100", Watch: []string{"100", "101"},
	}}
	cfg.Queues = []hooks.Queue{{Name: "sales", Numbers: []string{"200"}}}
	cfg.Hooks = []hooks.Hook{{
		ID: "crm", Name: `CRM "main"`, Enabled: true, Triggers: []call.Trigger{call.IncomingRing, call.IncomingHangup},
		Action: hooks.ActionPost, URL: "https://crm.example/calls?n={caller.number}", ContentType: "application/json",
		Body: `{"name":"{caller.name}"}`, Headers: map[string]string{"X-Key": "{secret.crm}"},
		Timeout: hooks.Duration(5 * time.Second), Retries: &retries, SigningSecret: "crm-signing",
	}}
	cfg.UI = hooks.UISettings{Language: "de", Notify: &notify}
	return cfg
}

func testSource() ui.SourceStatus {
	return ui.SourceStatus{
		State: "subscribed", Detail: "pbx.example", Err: "", Transport: "tls",
		Advertised: "203.0.113.7:5061", Learned: true, Keepalive: "answered",
		KeepaliveAt: t0, Dialect: "rfc4235,asterisk",
	}
}

func twoProblems() *hooks.ValidationError {
	return &hooks.ValidationError{Problems: []hooks.Problem{
		{Path: "hooks[crm].url", Hook: "crm", Field: "url", Message: "is required"},
		{Path: "country_code", Field: "country_code", Message: `must be the country code's digits, not "+49"`},
	}}
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// testEvents returns one event of each kind the window acts on, with
// every field set, and the events as they must arrive.
func testEvents() (sent, want []ui.Event) {
	c, wantCall := hostileCall()
	delivery := ui.DeliveryRow{
		WebhookID: "msg_1", CallID: c.ID, HookID: "crm", HookName: "CRM", Trigger: call.IncomingRing,
		Action: hooks.ActionPost, State: hooks.StatePending, StatusCode: 503, Attempts: 2,
		Latency: 321 * time.Millisecond, Err: "status 503", At: t0, Final: false, NextAttempt: t0.Add(4 * time.Second),
	}
	final := delivery
	final.State, final.Final, final.NextAttempt, final.Attempts = hooks.StateDelivered, true, time.Time{}, 3
	sent = []ui.Event{
		{Kind: ui.DeliveryDone, Delivery: delivery, Call: c},
		{Kind: ui.SourceChanged, Source: testSource()},
		{Kind: ui.DeliveryDone, Delivery: final, Call: c},
		{Kind: ui.ShowWindow},
		{Kind: ui.PolicyChanged},
	}
	want = append([]ui.Event(nil), sent...)
	want[0].Call, want[2].Call = wantCall, wantCall
	return sent, want
}

// syncBuffer is a log destination the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
