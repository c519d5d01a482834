package hooks

import (
	"context"
	"errors"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

func TestPendingSurvivesRestart(t *testing.T) {
	tests := []struct {
		name string
		// hold makes the receiver hold the first request until released;
		// fail makes it answer the first request with 503.
		hold, fail bool
		// first runs the first dispatcher and leaves the delivery pending.
		first func(t *testing.T, d *Dispatcher, rc *receiver, c call.Call)
	}{
		{"queued before start", false, false, func(t *testing.T, d *Dispatcher, _ *receiver, c call.Call) {
			d.Handle(event(c, call.IncomingRing))
			if err := d.Close(context.Background()); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}},
		{"attempt cut short by shutdown", true, true, func(t *testing.T, d *Dispatcher, rc *receiver, c call.Call) {
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			d.Handle(event(c, call.IncomingRing))
			waitFor(t, rc.arrived, "the request") // the receiver holds it
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if err := d.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Close = %v, want the deadline", err)
			}
		}},
		{"waiting for a retry", false, true, func(t *testing.T, d *Dispatcher, rc *receiver, c call.Call) {
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			d.Handle(event(c, call.IncomingRing))
			waitFor(t, rc.arrived, "the first attempt")
			if err := d.Close(context.Background()); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hold := make(chan struct{})
			var once sync.Once
			release := func() { once.Do(func() { close(hold) }) }
			defer release()
			rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 && tt.fail {
					if tt.hold {
						select {
						case <-hold:
						case <-r.Context().Done():
						}
					}
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			h := Hook{ID: "p", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: rc.URL}
			dir := t.TempDir()
			c := testCall("call-restart")
			id := WebhookID(c.ID, h.ID, call.IncomingRing)

			j1, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			// A long backoff: a retry would not happen before the restart.
			d1 := NewDispatcher(j1, testConfig(h), WithLogger(discardLogger()), WithBackoff(time.Hour, time.Hour))
			tt.first(t, d1, rc, c)
			e, err := j1.Delivery(context.Background(), id)
			if err != nil || e.State != StatePending {
				t.Fatalf("after shutdown: %+v, %v; want pending", e, err)
			}
			if err := j1.Close(); err != nil {
				t.Fatal(err)
			}
			release()

			j2 := openJournal(t, dir)
			// The new dispatcher's config no longer has the hook: the
			// delivery is made from its snapshot.
			d2 := NewDispatcher(j2, testConfig(), WithLogger(discardLogger()), WithBackoff(time.Hour, time.Hour),
				WithClock(ClockFunc(func() time.Time { return time.Now().Add(2 * time.Hour) })))
			if err := d2.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer d2.Close(context.Background())
			waitCall(t, d2, c.ID)
			e, err = j2.Delivery(context.Background(), id)
			if err != nil || e.State != StateDelivered {
				t.Fatalf("after restart: %+v, %v; want delivered", e, err)
			}
			if got := rc.requests()[len(rc.requests())-1].header.Get(HeaderWebhookID); got != id {
				t.Errorf("resumed delivery webhook-id = %s, want %s", got, id)
			}
			// A duplicate event after the restart does not fire again.
			before := len(rc.requests())
			d2.Handle(event(c, call.IncomingRing))
			waitCall(t, d2, c.ID)
			if len(rc.requests()) != before {
				t.Errorf("duplicate event after restart fired again")
			}
		})
	}
}

func TestHandleNeverBlocks(t *testing.T) {
	const events = 10000
	hold := make(chan struct{})
	rc := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	})
	defer close(hold)
	h := Hook{ID: "hang", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet,
		URL: rc.URL, Timeout: Duration(time.Minute)}
	j := openJournal(t, t.TempDir())
	d := NewDispatcher(j, testConfig(h), WithLogger(discardLogger()), WithWorkers(4))
	goroutines := runtime.NumGoroutine()
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range events {
		d.Handle(event(testCall("call-"+strconv.Itoa(i)), call.IncomingRing))
	}
	// Every event reaches the outbox while all workers hang.
	deadline := time.Now().Add(30 * time.Second)
	for d.persisted.Load() < events {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d events persisted", d.persisted.Load(), events)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var pending int
	if err := j.db.QueryRow(`SELECT count(*) FROM deliveries WHERE state = 'pending'`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != events {
		t.Errorf("%d deliveries pending, want %d", pending, events)
	}
	// 4 workers, ingest, scheduler, results, and a few per connection.
	if n := runtime.NumGoroutine() - goroutines; n > 40 {
		t.Errorf("%d more goroutines with %d deliveries queued, want a bounded few", n, events)
	}
	if n := len(rc.requests()); n > 4 {
		t.Errorf("%d requests in flight, want at most one per worker", n)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > 64<<20 {
		t.Errorf("heap holds %d MiB with %d deliveries queued, want them in the outbox", ms.HeapAlloc>>20, events)
	}
	d.mu.Lock()
	inMemory := len(d.queue)
	d.mu.Unlock()
	if inMemory != 0 {
		t.Errorf("%d events still held in memory after persisting", inMemory)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	d.Close(ctx)
}

func TestPrune(t *testing.T) {
	j := openJournal(t, t.TempDir())
	now := time.Now()
	h := Hook{ID: "h", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup}, Action: ActionGet, URL: "http://127.0.0.1/"}
	ingestAt := func(at time.Time, c call.Call, state State) {
		t.Helper()
		rows, err := j.ingest(context.Background(), []enqueued{{ev: event(c, call.IncomingHangup), cfg: testConfig(h)}}, at)
		if err != nil || len(rows) != 1 {
			t.Fatalf("ingest: %v %v", rows, err)
		}
		if state != StatePending {
			if err := j.record(context.Background(), rows[0].id, attemptRecord{at: at, state: state, statusCode: 200}); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk := func(id string, start time.Time) call.Call {
		c := testCall(id)
		c.Start = start
		return c
	}
	ingestAt(now.Add(-48*time.Hour), mk("old-done", now.Add(-48*time.Hour)), StateDelivered)
	ingestAt(now.Add(-48*time.Hour), mk("old-pending", now.Add(-47*time.Hour)), StatePending)
	ingestAt(now.Add(-2*time.Hour), mk("new-1", now.Add(-2*time.Hour)), StateFailed)
	ingestAt(now.Add(-time.Hour), mk("new-2", now.Add(-time.Hour)), StateDelivered)

	ids := func() []string {
		calls, err := j.Calls(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range calls {
			out = append(out, c.Call.ID)
		}
		return out
	}
	if err := j.Prune(24*time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	if got := ids(); !equal(got, []string{"new-2", "new-1", "old-pending"}) {
		t.Errorf("after pruning by age: %v", got)
	}
	if err := j.Prune(0, 1); err != nil {
		t.Fatal(err)
	}
	if got := ids(); !equal(got, []string{"new-2", "old-pending"}) {
		t.Errorf("after pruning by count: %v", got)
	}
	var attempts, deliveries int
	j.db.QueryRow(`SELECT count(*) FROM attempts`).Scan(&attempts)
	j.db.QueryRow(`SELECT count(*) FROM deliveries`).Scan(&deliveries)
	if attempts != 1 || deliveries != 2 {
		t.Errorf("%d attempts and %d deliveries left, want 1 and 2", attempts, deliveries)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, dir)
	if _, err := j.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("Open accepted a journal from a newer schema")
	}
}

func TestOpenOddDirectoryNames(t *testing.T) {
	for _, name := range []string{"a#b", "a?b=c", "100%", "with space", "ünï"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := parent + "/" + name
			j := openJournal(t, dir)
			var mode string
			if err := j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v; want wal (the pragmas were lost)", mode, err)
			}
			if _, err := os.Stat(dir + "/" + JournalFile); err != nil {
				t.Errorf("journal not where it belongs: %v", err)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 1 {
				t.Errorf("%d entries next to the data directory, want only it", len(entries))
			}
		})
	}
}
