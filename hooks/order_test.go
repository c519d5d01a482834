package hooks

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// The deliveries of one call to one hook arrive in the order their
// triggers fired, even when they fire at once and the first needs
// retries; other calls are not held up by it.
func TestDeliveriesOfACallToAHookKeepTheirOrder(t *testing.T) {
	triggers := []call.Trigger{call.IncomingRing, call.IncomingHangup, call.IncomingMissed}
	tests := []struct {
		name string
		// fail answers 503 to the first n requests of a trigger.
		fail map[string]int
	}{
		{name: "fired together"},
		{name: "first one retried", fail: map[string]int{"incoming.ring": 2}},
		{name: "middle one retried", fail: map[string]int{"incoming.hangup": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			var mu sync.Mutex
			rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				tr := r.URL.Query().Get("t")
				mu.Lock()
				seen[tr+r.URL.Query().Get("c")]++
				n := seen[tr+r.URL.Query().Get("c")]
				mu.Unlock()
				if n <= tt.fail[tr] {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			h := Hook{ID: "o", Enabled: true, Triggers: triggers, Action: ActionGet, URL: rc.URL + "/?t={trigger}&c={call_id}"}
			d, _ := startDispatcher(t, testConfig(h), WithWorkers(8))
			var calls []call.Call
			for i := range 5 {
				c := testCall(fmt.Sprintf("order-%d", i))
				calls = append(calls, c)
				for _, tr := range triggers {
					d.Handle(event(c, tr))
				}
			}
			for _, c := range calls {
				waitCall(t, d, c.ID)
			}
			// Per call: the delivered requests, in arrival order.
			got := map[string][]string{}
			for _, r := range rc.requests() {
				q := strings.Split(r.query, "&")
				got[q[1]] = append(got[q[1]], strings.TrimPrefix(q[0], "t="))
			}
			for _, c := range calls {
				var want []string
				for _, tr := range triggers {
					for range tt.fail[string(tr)] {
						want = append(want, string(tr))
					}
					want = append(want, string(tr))
				}
				key := "c=" + c.ID
				if strings.Join(got[key], " ") != strings.Join(want, " ") {
					t.Errorf("%s: requests arrived as %v, want %v", c.ID, got[key], want)
				}
			}
		})
	}
}

// Order holds across a restart: pending deliveries resumed from the
// outbox still go out one after the other.
func TestOrderSurvivesRestart(t *testing.T) {
	rc := newReceiver(t, statuses(200))
	h := Hook{ID: "o", Enabled: true, Triggers: []call.Trigger{call.IncomingRing, call.IncomingHangup, call.IncomingMissed},
		Action: ActionGet, URL: rc.URL + "/?t={trigger}"}
	dir := t.TempDir()
	j := openJournal(t, dir)
	// Not started: the events only reach the outbox.
	d := NewDispatcher(j, testConfig(h), WithLogger(discardLogger()), WithSecrets(MapSecrets{}))
	c := testCall("order-restart")
	for _, tr := range h.Triggers {
		d.Handle(event(c, tr))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	d2 := NewDispatcher(j, testConfig(h), WithLogger(discardLogger()), WithSecrets(MapSecrets{}), WithWorkers(8))
	if err := d2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer d2.Close(ctx)
	waitCall(t, d2, c.ID)
	var got []string
	for _, r := range rc.requests() {
		got = append(got, r.query)
	}
	if want := "t=incoming.ring t=incoming.hangup t=incoming.missed"; strings.Join(got, " ") != want {
		t.Errorf("resumed deliveries arrived as %v, want %s", got, want)
	}
}

// Under a backlog most deliveries go through the scheduler, which reads
// pages of the outbox while workers finish deliveries: none may go out
// twice, none may be lost.
func TestBacklogDeliversEachOnce(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get(HeaderWebhookID)]++
		mu.Unlock()
	})
	h := Hook{ID: "b", Enabled: true, Triggers: []call.Trigger{call.IncomingRing, call.IncomingHangup},
		Action: ActionPost, URL: rc.URL + "/", Body: "{json}"}
	d, _ := startDispatcher(t, testConfig(h), WithWorkers(4))
	const calls = 1000
	for i := range calls {
		c := testCall(fmt.Sprintf("backlog-%d", i))
		d.Handle(event(c, call.IncomingRing))
		d.Handle(event(c, call.IncomingHangup))
	}
	for i := range calls {
		waitCall(t, d, fmt.Sprintf("backlog-%d", i))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2*calls {
		t.Errorf("%d distinct deliveries arrived, want %d", len(seen), 2*calls)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %s arrived %d times", id, n)
		}
	}
}
