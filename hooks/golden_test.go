package hooks

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callhook/callhook/call"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/delivery")

// wireAt is the fixed clock of TestWireFormat's golden files.
var wireAt = time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)

// TestWireFormat pins what a receiver sees, byte for byte, with a fixed
// clock: method, path, every header Callhook sets, signature and body.
func TestWireFormat(t *testing.T) {
	at := wireAt
	tests := []struct {
		name string
		hook Hook
	}{
		{"post_signed", Hook{Action: ActionPost, URL: "/calls/{call_id}?from={caller}",
			ContentType: "application/json", SigningSecret: "sig",
			Body:    `{"caller":"{caller}","callee":"{callee}","trigger":"{trigger}","duration":{duration}}`,
			Headers: map[string]string{"Authorization": "Bearer {secret.token}", "X-Agent": "{user}"}}},
		{"get", Hook{Action: ActionGet, URL: "/ring?n={remote|e164}&name={remote_name}"}},
		{"post_form", Hook{Action: ActionPost, URL: "/form", ContentType: "application/x-www-form-urlencoded",
			Body: "caller={caller}&outcome={outcome}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, statuses(http.StatusOK))
			h := tt.hook
			h.ID, h.Enabled, h.Triggers, h.URL = "wire", true, []call.Trigger{call.IncomingHangup}, rc.URL+h.URL
			d, _ := startDispatcher(t, testConfig(h), WithClock(ClockFunc(func() time.Time { return at })),
				WithSecrets(MapSecrets{"sig": testSigningKey, "token": "t0ken"}))
			c := call.Call{ID: "a84b4c76e66710@pbx", Direction: call.In, User: "max",
				Caller: call.Party{Number: "+49 30 1234-567", Name: `Erika "E" & Co`},
				Callee: call.Party{Number: "1002", Name: "max"},
				Start:  at.Add(-3 * time.Minute), Answer: at.Add(-2 * time.Minute), End: at, Outcome: call.Answered}
			d.Handle(call.Event{Trigger: call.IncomingHangup, Call: c, At: at})
			waitCall(t, d, c.ID)
			reqs := rc.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			got := formatRequest(reqs[0])
			path := filepath.Join("testdata", "delivery", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("request differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// The signature in the signed golden file verifies with the Standard
// Webhooks library, not only with the code that wrote it; and the library
// rejects it once anything signed changes, so the check has teeth.
func TestWireFormatSignatureVerifies(t *testing.T) {
	header, body := parseGolden(t, filepath.Join("testdata", "delivery", "post_signed.golden"))
	if ts := header.Get(HeaderWebhookTimestamp); ts != fmt.Sprint(wireAt.Unix()) {
		t.Fatalf("%s %q, want the golden clock %d", HeaderWebhookTimestamp, ts, wireAt.Unix())
	}
	tests := []struct {
		name   string
		key    string
		mutate func(h http.Header, body []byte) []byte
		ok     bool
	}{
		{"as delivered", testSigningKey, func(http.Header, []byte) []byte { return body }, true},
		{"body changed", testSigningKey, func(_ http.Header, b []byte) []byte { return bytes.Replace(b, []byte("120"), []byte("121"), 1) }, false},
		{"trailing newline", testSigningKey, func(_ http.Header, b []byte) []byte { return append(slices.Clone(b), '\n') }, false},
		{"other webhook id", testSigningKey, func(h http.Header, b []byte) []byte { h.Set(HeaderWebhookID, "msg_other"); return b }, false},
		{"other timestamp", testSigningKey, func(h http.Header, b []byte) []byte {
			h.Set(HeaderWebhookTimestamp, fmt.Sprint(wireAt.Unix()+1))
			return b
		}, false},
		{"other key", "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", func(_ http.Header, b []byte) []byte { return b }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh, err := standardwebhooks.NewWebhook(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			h := header.Clone()
			b := tt.mutate(h, body)
			// The golden clock is long past: the library's Verify would
			// refuse the timestamp as too old before it looked at the
			// signature. The timestamp is pinned above instead.
			err = wh.VerifyIgnoringTimestamp(b, h)
			if tt.ok && err != nil {
				t.Errorf("Standard Webhooks rejects the golden signature: %v", err)
			}
			if !tt.ok && !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
				t.Errorf("Verify = %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
			}
		})
	}
}

// parseGolden reads a file formatRequest wrote: the header lines after
// the request line, and the body without the newline formatRequest adds.
func parseGolden(t *testing.T, path string) (http.Header, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok {
		t.Fatalf("%s: no blank line after the headers", path)
	}
	header := http.Header{}
	for _, line := range strings.Split(string(head), "\n")[1:] {
		name, value, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s: header line %q", path, line)
		}
		header.Add(name, value)
	}
	return header, bytes.TrimSuffix(body, []byte("\n"))
}

// formatRequest prints a request with sorted headers, leaving out those
// the Go client adds on its own.
func formatRequest(r received) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s", r.method, r.path)
	if r.query != "" {
		fmt.Fprintf(&b, "?%s", r.query)
	}
	b.WriteString("\n")
	var names []string
	for name := range r.header {
		switch name {
		case "Accept-Encoding", "Content-Length":
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(r.header[name], ", "))
	}
	b.WriteString("\n")
	b.Write(r.body)
	b.WriteString("\n")
	return b.Bytes()
}
