package hooks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// sipHeaders returns an INVITE's headers as the proxy records them: the
// softphone's digest answer and 60 KB of headers a caller added.
func sipHeaders() map[string]string {
	h := map[string]string{
		"proxy-authorization": `Digest username="1002", realm="pbx", nonce="n1", uri="sip:0301@pbx", response="d1g35tr35p0n53"`,
		"authorization":       `Digest username="1002", response="d1g35tr35p0n53"`,
		"x-queue":             "Support",
	}
	for i := range 10 {
		h[fmt.Sprintf("x-junk-%d", i)] = strings.Repeat("J", 6<<10)
	}
	return h
}

// journalBytes returns the journal's files as they are on disk.
func journalBytes(t *testing.T, j *Journal) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(j.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestJournalStoresNoSIPCredentials(t *testing.T) {
	rc := newReceiver(t, statuses(200))
	h := Hook{ID: "h", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet,
		URL: rc.URL + "/", Headers: map[string]string{"X-Auth": "{header.Proxy-Authorization}", "X-Queue": "{header.X-Queue}"}}
	d, j := startDispatcher(t, testConfig(h))
	c := testCall("cred-1")
	c.Headers = sipHeaders()
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	if got := reqs[0].header.Get("X-Auth"); got != "" {
		t.Errorf("{header.Proxy-Authorization} rendered %q, want nothing", got)
	}
	if got := reqs[0].header.Get("X-Queue"); got != "Support" {
		t.Errorf("{header.X-Queue} rendered %q", got)
	}
	var stored string
	if err := j.db.QueryRow(`SELECT call_json FROM deliveries`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) > 10<<10 {
		t.Errorf("the stored call record is %d bytes; its headers are not capped", len(stored))
	}
	if !strings.Contains(stored, "Support") {
		t.Errorf("the stored record lost x-queue: %.200s", stored)
	}
	if raw := journalBytes(t, j); bytes.Contains(raw, []byte("d1g35tr35p0n53")) {
		t.Error("the journal file holds the INVITE's digest answer")
	}
}

// 300 INVITEs with 60 KB of headers added 27 MB when only the number of
// calls was capped: the stored headers are capped per call, and the
// journal by size, oldest calls first, pending ones kept.
func TestJournalSizeCap(t *testing.T) {
	const limit = 1 << 20
	j := openJournal(t, t.TempDir())
	j.SetMaxSize(limit)
	h := Hook{ID: "h", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup}, Action: ActionGet, URL: "http://127.0.0.1/"}
	start := time.Now().Add(-time.Hour)
	for i := range 300 {
		c := testCall(fmt.Sprintf("big-%03d", i))
		c.Start = start.Add(time.Duration(i) * time.Second)
		c.Headers = sipHeaders()
		rows, err := j.ingest(context.Background(), []enqueued{{ev: event(c, call.IncomingHangup), cfg: testConfig(h)}}, c.Start)
		if err != nil || len(rows) != 1 {
			t.Fatalf("ingest: %v %v", rows, err)
		}
		if i == 0 {
			continue // the oldest call stays pending
		}
		if err := j.record(context.Background(), rows[0].id, attemptRecord{at: c.Start, state: StateDelivered, statusCode: 200}); err != nil {
			t.Fatal(err)
		}
	}
	if _, file, err := j.size(context.Background()); err != nil || file > 6<<20 {
		t.Errorf("300 calls take %d bytes (%v); stored headers are not capped", file, err)
	}
	if err := j.Prune(0, 0); err != nil {
		t.Fatal(err)
	}
	used, file, err := j.size(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if used > limit || file > limit+limit/4 {
		t.Errorf("after pruning the journal uses %d bytes in a %d-byte file, want at most %d", used, file, limit)
	}
	calls, err := j.Calls(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 10 || len(calls) >= 300 {
		t.Fatalf("%d calls left", len(calls))
	}
	if calls[0].Call.ID != "big-299" {
		t.Errorf("newest call left is %s, want big-299", calls[0].Call.ID)
	}
	if last := calls[len(calls)-1].Call.ID; last != "big-000" {
		t.Errorf("oldest call left is %s, want the pending big-000", last)
	}
	if fi, err := os.Stat(j.Path() + "-wal"); err == nil && fi.Size() > limit {
		t.Errorf("the -wal file is %d bytes after pruning", fi.Size())
	}
}
