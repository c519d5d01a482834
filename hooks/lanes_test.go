package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// hanging is a receiver that holds every request until release, and
// counts the requests it let go.
type hanging struct {
	*receiver
	hold     chan struct{}
	once     sync.Once
	returned atomic.Int64
}

func newHanging(t *testing.T) *hanging {
	h := &hanging{hold: make(chan struct{})}
	h.receiver = newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-h.hold:
		case <-r.Context().Done():
		}
		h.returned.Add(1)
	})
	t.Cleanup(h.release) // runs before the server's Close, which waits for handlers
	return h
}

func (h *hanging) release() { h.once.Do(func() { close(h.hold) }) }

// hangingHooks returns n POST hooks on ring whose receiver is rc, with a
// timeout far beyond any test.
func hangingHooks(n int, rc *hanging) []Hook {
	var hs []Hook
	for i := range n {
		hs = append(hs, Hook{ID: fmt.Sprintf("hang%d", i), Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
			Action: ActionPost, URL: rc.URL + "/{call_id}", Body: "{json}", Timeout: Duration(5 * time.Minute), Retries: intp(0)})
	}
	return hs
}

// A hook whose receiver hangs holds only its own hook: with eight of them
// hanging (as many as the dispatcher has workers per hook, and more than
// enough to have held every worker), an unrelated hook of the same
// trigger, HTTP or browser, is delivered while all eight still hang.
func TestUnrelatedHookNotHeldByHangingHooks(t *testing.T) {
	tests := []struct {
		name string
		// hook returns the unrelated hook and a channel that receives
		// when it was delivered.
		hook func(t *testing.T) (Hook, <-chan struct{}, Option)
	}{
		{"http", func(t *testing.T) (Hook, <-chan struct{}, Option) {
			rc := newReceiver(t, statuses(http.StatusOK))
			return Hook{ID: "healthy", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
				Action: ActionGet, URL: rc.URL + "/{call_id}"}, rc.arrived, nil
		}},
		{"browser", func(t *testing.T) (Hook, <-chan struct{}, Option) {
			opened := make(chan struct{}, 16)
			op := OpenerFunc(func(string) error { opened <- struct{}{}; return nil })
			return Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
				Action: ActionBrowser, URL: "https://crm.example.com/?c={call_id}"}, opened, WithOpener(op)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slow := newHanging(t)
			defer slow.release() // before the dispatcher's Close: it would wait
			h, delivered, opt := tt.hook(t)
			// The unrelated hook comes last, behind the hanging ones.
			opts := []Option{WithWorkers(8)}
			if opt != nil {
				opts = append(opts, opt)
			}
			d, _ := startDispatcher(t, testConfig(append(hangingHooks(8, slow), h)...), opts...)
			const calls = 3
			for i := range calls {
				d.Handle(event(testCall(fmt.Sprintf("hang-%d", i)), call.IncomingRing))
				waitFor(t, delivered, fmt.Sprintf("delivery of the unrelated hook for call %d", i))
			}
			if n := slow.returned.Load(); n != 0 {
				t.Fatalf("%d hanging requests returned; the test cannot tell what waited for what", n)
			}
			for range 8 * calls {
				waitFor(t, slow.arrived, "a hanging hook's request")
			}
		})
	}
}

// One hook's backlog in the outbox does not hide another hook's retry
// from the scheduler: the retry goes out while the backlog's lane is full
// and its receiver hangs.
func TestBacklogOfOneHookDoesNotHideAnothersRetry(t *testing.T) {
	slow := newHanging(t)
	defer slow.release()
	rc := newReceiver(t, statuses(http.StatusServiceUnavailable, http.StatusOK))
	healthy := Hook{ID: "healthy", Enabled: true, Triggers: []call.Trigger{call.IncomingAnswer},
		Action: ActionGet, URL: rc.URL + "/{call_id}"}
	d, j := startDispatcher(t, testConfig(append(hangingHooks(1, slow), healthy)...), WithWorkers(1))
	const backlog = 300 // several pages of the outbox
	for i := range backlog {
		d.Handle(event(testCall(fmt.Sprintf("backlog-%d", i)), call.IncomingRing))
	}
	c := testCall("retried")
	d.Handle(event(c, call.IncomingAnswer))
	waitCall(t, d, c.ID)
	if n := slow.returned.Load(); n != 0 {
		t.Fatalf("%d hanging requests returned; the test cannot tell what waited for what", n)
	}
	ds := deliveriesOf(t, j, c.ID)
	if len(ds) != 1 || ds[0].State != StateDelivered || ds[0].Attempts != 2 {
		t.Errorf("deliveries = %+v, want one delivered on its second attempt", ds)
	}
	if n := len(slow.requests()); n > 1 {
		t.Errorf("%d requests of the hanging hook in flight, want at most its one worker's", n)
	}
}

// A browser opener that hangs for one hook's page holds neither another
// browser hook nor the next call's page of the same hook.
func TestHangingOpenerHoldsOnlyItsPage(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	opened := make(chan string, 16)
	op := OpenerFunc(func(u string) error {
		if strings.Contains(u, "c=first") && strings.Contains(u, "slow.example") {
			<-stuck
		}
		opened <- u
		return nil
	})
	slowHook := Hook{ID: "slow", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
		Action: ActionBrowser, URL: "https://slow.example/?c={call_id}"}
	other := Hook{ID: "other", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
		Action: ActionBrowser, URL: "https://crm.example.com/?c={call_id}"}
	d, _ := startDispatcher(t, testConfig(slowHook, other), WithOpener(op))
	d.Handle(event(testCall("first"), call.IncomingRing))
	d.Handle(event(testCall("second"), call.IncomingRing))
	want := map[string]bool{
		"https://crm.example.com/?c=first":  true,
		"https://crm.example.com/?c=second": true,
		"https://slow.example/?c=second":    true,
	}
	for len(want) > 0 {
		select {
		case u := <-opened:
			if !want[u] {
				t.Fatalf("opened %s, want one of %v", u, want)
			}
			delete(want, u)
		case <-time.After(20 * time.Second):
			t.Fatalf("never opened %v while the slow hook's first page hangs", want)
		}
	}
}
