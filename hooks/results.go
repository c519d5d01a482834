package hooks

import (
	"log/slog"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
)

// Result is the outcome of one attempt of one delivery: `callhook
// simulate` prints them, the GUI turns failures into notifications.
type Result struct {
	// WebhookID is the delivery's id in the journal and its webhook-id
	// header, the same on every attempt.
	WebhookID string
	CallID    string
	HookID    string
	HookName  string
	Trigger   call.Trigger
	Action    string
	Attempt   int  // 1 for the first attempt
	Final     bool // no further attempt will follow
	State     State
	// StatusCode is the receiver's HTTP status, 0 without a response.
	StatusCode int
	Latency    time.Duration
	// Error says why the attempt failed, empty on success. It never holds
	// a secret or the rendered URL.
	Error string
	// Response is an excerpt of the response body (at most 512 bytes, no
	// control characters); for a browser hook, what was opened, its
	// credential parameters masked.
	Response    string
	At          time.Time
	NextAttempt time.Time // when State is pending
}

func newResult(id, callID string, h *Hook, t call.Trigger, attempt int, state State, at, next time.Time, o outcome) Result {
	r := Result{
		WebhookID: id, CallID: callID, HookID: h.ID, HookName: h.Name, Trigger: t,
		Action: h.Action, Attempt: attempt, Final: state != StatePending, State: state,
		StatusCode: o.status, Latency: o.latency, Response: o.response, At: at, NextAttempt: next,
	}
	if o.err != nil {
		r.Error = o.err.Error()
	}
	return r
}

// maxQueuedResults bounds results waiting for slow subscribers; beyond
// it the oldest are dropped (they are notifications; the journal has it all).
const maxQueuedResults = 10000

// fanout hands results to subscribers on its own goroutine, so that a
// subscriber (a GUI notification, a terminal) never holds up a worker.
type fanout struct {
	mu      sync.Mutex
	subs    map[int]func(Result)
	next    int
	queue   []Result
	dropped int
	running bool
	wake    chan struct{}
	done    chan struct{}
	log     *slog.Logger
}

func (f *fanout) subscribe(fn func(Result)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[int]func(Result){}
	}
	id := f.next
	f.next++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		delete(f.subs, id)
		f.mu.Unlock()
	}
}

func (f *fanout) start(log *slog.Logger) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log, f.running = log, true
	f.wake, f.done = make(chan struct{}, 1), make(chan struct{})
	go f.run()
}

func (f *fanout) publish(r Result) {
	f.mu.Lock()
	if !f.running || len(f.subs) == 0 {
		f.mu.Unlock()
		return
	}
	if len(f.queue) >= maxQueuedResults {
		f.queue = f.queue[1:]
		f.dropped++
	}
	f.queue = append(f.queue, r)
	// Under the lock: close must not close wake between check and send.
	signal(f.wake)
	f.mu.Unlock()
}

func (f *fanout) run() {
	defer close(f.done)
	for range f.wake {
		for {
			f.mu.Lock()
			batch := f.queue
			f.queue = nil
			dropped := f.dropped
			f.dropped = 0
			subs := make([]func(Result), 0, len(f.subs))
			for _, s := range f.subs {
				subs = append(subs, s)
			}
			f.mu.Unlock()
			if dropped > 0 {
				f.log.Warn("subscribers too slow: results not passed on", "dropped", dropped)
			}
			if len(batch) == 0 {
				break
			}
			for _, r := range batch {
				for _, s := range subs {
					s(r)
				}
			}
		}
	}
}

// close delivers what is queued and stops the goroutine.
func (f *fanout) close() {
	f.mu.Lock()
	running := f.running
	f.running = false
	f.mu.Unlock()
	if running {
		close(f.wake)
		<-f.done
	}
}

// broadcaster wakes everyone waiting for "something changed".
type broadcaster struct {
	mu sync.Mutex
	ch chan struct{}
}

func (b *broadcaster) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcaster) notify() {
	b.mu.Lock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
	b.mu.Unlock()
}
