package hooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// Clock tells the time; tests substitute a fake one.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

var _ Clock = ClockFunc(nil)

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// Journal retention the dispatcher prunes to, at start and hourly.
const (
	DefaultRetentionAge   = 30 * 24 * time.Hour
	DefaultRetentionCalls = 10000
)

// ErrClosed is returned by operations on a closed dispatcher.
var ErrClosed = errors.New("dispatcher closed")

// Dispatcher turns call events into deliveries: it writes each to the
// journal's outbox, then attempts it with retries in its hook's lane, so
// that SIP handling never waits for a receiver, no hook waits for another
// hook's receiver, and nothing is lost on restart.
type Dispatcher struct {
	j        *Journal
	cfg      atomic.Pointer[Config]
	policy   atomic.Pointer[Policy] // checked at every attempt (policy_dispatch.go); nil: none
	log      *slog.Logger
	secrets  Secrets
	opener   Opener
	client   *http.Client
	clock    Clock
	workers  int
	backoff  backoff
	keepAge  time.Duration
	keepMax  int
	ingestSz int

	// mu guards the events Handle accepted and ingest has not taken yet.
	mu       sync.Mutex
	queue    []enqueued
	received uint64
	started  bool
	closed   bool
	// persisted counts events written to the journal (Wait uses it).
	persisted atomic.Uint64
	// queueLimit bounds queue; dropped counts events lost to it or to a
	// journal still failing at Close's deadline.
	queueLimit int
	dropped    atomic.Uint64

	wake chan struct{} // Handle -> ingest
	kick chan struct{} // -> scheduler: the outbox changed or a lane has room

	// lanes attempt the deliveries, each hook's on its own (lanes.go).
	lanes lanes

	// inflight holds ids queued for or being attempted by a worker, so
	// that ingest and the scheduler never hand out one twice.
	inflightMu sync.Mutex
	inflight   map[string]struct{}
	// released remembers when ids left the workers (releaseSeq counts
	// releases), so the scheduler knows which of the rows it read may be
	// stale by the time it claims them.
	released   map[string]uint64
	releaseSeq uint64

	// browserLocks makes "already opened for this call?" and the opening
	// one step, per call and hook.
	browserLocks keyedMutex

	// chains keeps the deliveries of one call to one hook in order: it
	// counts those not yet final per call and hook (see order.go).
	chains chains

	changes broadcaster
	results fanout

	stop       context.CancelFunc // stops the loops
	hard       context.Context    // cancelled to abort in-flight attempts
	hardCancel context.CancelFunc
	loops      sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
}

// DefaultQueueLimit is how many call events wait in memory for the
// journal before Handle drops new ones: hours of calls for any one user.
const DefaultQueueLimit = 10000

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(d *Dispatcher) { d.log = l } }

// WithSecrets sets where secrets come from (default Keyring{}).
func WithSecrets(s Secrets) Option { return func(d *Dispatcher) { d.secrets = s } }

// WithOpener sets the browser opener (default SystemBrowser{}).
func WithOpener(o Opener) Option { return func(d *Dispatcher) { d.opener = o } }

// WithHTTPClient sets the HTTP client; its CheckRedirect is replaced so
// that redirects are never followed.
func WithHTTPClient(c *http.Client) Option { return func(d *Dispatcher) { d.client = c } }

// WithClock sets the clock for timestamps and retry scheduling. The
// scheduler still sleeps in real time, for as long as the clock says a
// delivery is away: under a frozen clock, retries never come due.
func WithClock(c Clock) Option { return func(d *Dispatcher) { d.clock = c } }

// WithWorkers sets how many deliveries of one hook are attempted at once
// (default 8). Each hook has its own: a hook whose receiver hangs holds at
// most that many and no other hook waits for it.
func WithWorkers(n int) Option { return func(d *Dispatcher) { d.workers = n } }

// WithBackoff sets the retry delays: exponential from base, capped at max
// (also the cap on a receiver's Retry-After), with full jitter.
func WithBackoff(base, max time.Duration) Option {
	return func(d *Dispatcher) { d.backoff.base, d.backoff.max = base, max }
}

// WithQueueLimit sets how many call events may wait in memory for the
// journal (default, and for n < 1, DefaultQueueLimit).
func WithQueueLimit(n int) Option { return func(d *Dispatcher) { d.queueLimit = n } }

// WithRetention sets how old and how many calls the journal keeps.
func WithRetention(maxAge time.Duration, maxCalls int) Option {
	return func(d *Dispatcher) { d.keepAge, d.keepMax = maxAge, maxCalls }
}

// NewDispatcher returns a dispatcher writing to j and firing the hooks of
// cfg. Call Start to begin delivering and Close to stop.
func NewDispatcher(j *Journal, cfg *Config, opts ...Option) *Dispatcher {
	d := &Dispatcher{
		j:        j,
		log:      slog.Default(),
		secrets:  Keyring{},
		opener:   SystemBrowser{},
		clock:    ClockFunc(time.Now),
		workers:  8,
		backoff:  backoff{base: DefaultBackoffBase, max: DefaultBackoffMax},
		keepAge:  DefaultRetentionAge,
		keepMax:  DefaultRetentionCalls,
		ingestSz: 256,
		wake:     make(chan struct{}, 1),
		kick:     make(chan struct{}, 1),
		inflight: map[string]struct{}{},
		released: map[string]uint64{},
		chains:   chains{open: map[chainKey]int{}, lanes: map[laneKey]int{}},
	}
	for _, o := range opts {
		o(d)
	}
	if d.workers < 1 {
		d.workers = 1
	}
	if d.queueLimit < 1 {
		d.queueLimit = DefaultQueueLimit
	}
	d.client = newHTTPClient(d.client, d.workers)
	// A lane's queue is small on purpose: what does not fit stays pending
	// in the outbox, which is where a backlog belongs, not in memory.
	d.lanes = lanes{m: map[laneKey]*lane{}, limit: d.workers, depth: 4 * d.workers}
	d.hard, d.hardCancel = context.WithCancel(context.Background())
	d.SetConfig(cfg)
	return d
}

// SetConfig makes cfg the config for events from now on; deliveries
// already queued keep the hook as it was when they were queued. The
// dispatcher does not copy cfg: do not change it afterwards.
func (d *Dispatcher) SetConfig(cfg *Config) {
	if cfg == nil {
		cfg = &Config{}
	}
	d.cfg.Store(cfg)
}

// Handle accepts a call event. It never blocks on the journal or the
// network: events wait in memory for the ingest goroutine, which writes
// them to the outbox in batches. While the journal refuses writes, at
// most the queue limit (WithQueueLimit) waits; events beyond it are
// dropped with an error logged and counted (Dropped), since blocking
// would stall SIP handling and waiting without bound would exhaust
// memory. It is a call.Handler.
func (d *Dispatcher) Handle(ev call.Event) {
	cfg := d.cfg.Load()
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		d.log.Warn("call event after the dispatcher closed: ignored", "trigger", ev.Trigger)
		return
	}
	if len(d.queue) >= d.queueLimit {
		d.mu.Unlock()
		n := d.dropped.Add(1)
		d.log.Error("call event dropped: the journal is not keeping up (see the errors writing to it)",
			"trigger", ev.Trigger, "call", ev.Call.ID, "queued", d.queueLimit, "dropped", n)
		return
	}
	d.queue = append(d.queue, enqueued{ev: ev, cfg: cfg})
	d.received++
	d.mu.Unlock()
	signal(d.wake)
}

var _ call.Handler = (*Dispatcher)(nil).Handle

// Start resumes pending deliveries and starts delivering. The loops stop
// when ctx is done or Close is called; attempts in flight are not
// cancelled by ctx, only by Close running out of time.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	if d.started {
		return errors.New("dispatcher already started")
	}
	open, err := d.j.openChains(ctx)
	if err != nil {
		return err
	}
	d.chains.seed(open)
	d.started = true
	ctx, d.stop = context.WithCancel(ctx)
	d.lanes.mu.Lock()
	d.lanes.ctx = ctx
	d.lanes.mu.Unlock()
	d.results.start(d.log)
	d.loops.Add(2)
	go func() { defer d.loops.Done(); d.ingestLoop(ctx) }()
	go func() { defer d.loops.Done(); d.scheduleLoop(ctx) }()
	return nil
}

// Close stops accepting events, writes those still in memory to the
// outbox, lets attempts in flight finish and leaves everything else
// pending for the next start. When ctx ends first, attempts in flight are
// aborted (and stay pending) and ctx's error is returned.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.closeOnce.Do(func() {
		d.mu.Lock()
		d.closed = true
		stop := d.stop
		d.mu.Unlock()
		if stop != nil {
			stop()
		}
		done := make(chan struct{})
		go func() { d.loops.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			d.hardCancel()
			<-done
			d.closeErr = fmt.Errorf("drain dispatcher: %w", ctx.Err())
		}
		d.hardCancel()
		// Whatever ingest did not take yet must reach the outbox.
		for d.flush(context.Background()) {
		}
		d.results.close()
		d.changes.notify()
		d.client.CloseIdleConnections()
	})
	return d.closeErr
}

// Wait returns once every delivery of call callID from the events handed
// to Handle so far is final (delivered, failed or dropped), or when ctx
// ends. The dispatcher must be started.
func (d *Dispatcher) Wait(ctx context.Context, callID string) error {
	d.mu.Lock()
	target := d.received
	d.mu.Unlock()
	for {
		changed := d.changes.wait()
		if d.persisted.Load() >= target {
			n, err := d.j.pendingCount(ctx, callID)
			if err != nil {
				return fmt.Errorf("wait for call %s: %w", callID, err)
			}
			if n == 0 {
				return nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("wait for call %s: %w", callID, ctx.Err())
		}
	}
}

// Dropped counts the call events lost: over the queue limit while the
// journal refused writes, or still unwritten when Close ran out of time.
func (d *Dispatcher) Dropped() uint64 { return d.dropped.Load() }

// Subscribe calls f with the Result of every attempt, in order, on one
// goroutine of the dispatcher's (never a worker's): a slow f delays other
// subscribers, not deliveries. cancel stops the calls.
func (d *Dispatcher) Subscribe(f func(Result)) (cancel func()) { return d.results.subscribe(f) }

// Resend queues a failed or dropped delivery again, with the same
// webhook id so that the receiver can still recognise a duplicate.
func (d *Dispatcher) Resend(ctx context.Context, webhookID string) error {
	row, err := d.j.load(ctx, webhookID)
	if err != nil {
		return fmt.Errorf("re-send: %w", err)
	}
	// Counted before it is pending again, so a worker finishing it at
	// once finds it counted.
	key, l := chainKey{row.call.ID, row.hook.ID}, laneOf(&row.hook)
	d.chains.add(key, l)
	if err := d.j.requeue(ctx, webhookID, d.clock.Now()); err != nil {
		d.chains.done(key, l)
		return err
	}
	d.changes.notify()
	signal(d.kick)
	return nil
}

// Test fires hook once for trigger with sample data: no journal, no
// retries. err is non-nil exactly when the delivery did not succeed; the
// Result describes it either way.
func (d *Dispatcher) Test(ctx context.Context, hook Hook, trigger call.Trigger) (Result, error) {
	cfg := d.cfg.Load()
	data := templates.Sample(trigger, cfg.User, cfg.CountryCode)
	id := testWebhookID()
	now := d.clock.Now()
	var out outcome
	if err := d.policy.Load().refuse(&hook); err != nil {
		out = outcome{err: err, permanent: true}
	} else if hook.Action == ActionBrowser {
		out = openBrowser(d.opener, &hook, data, d.secrets)
	} else {
		data.Secret = d.secrets.Get
		out = send(ctx, d.client, &hook, data, id, now, d.secrets)
	}
	state := StateDelivered
	if !out.ok() {
		state = StateFailed
	}
	res := newResult(id, data.Call.ID, &hook, trigger, 1, state, now, time.Time{}, out)
	d.log.With("hook", hook.ID).Info("test delivery", "trigger", trigger, "state", state, "status", out.status)
	if out.err != nil {
		return res, out.err
	}
	return res, nil
}

// testWebhookID returns a random webhook id: a test is not part of any
// call, and receivers must not take it for a duplicate of anything.
func testWebhookID() string {
	var b [16]byte
	rand.Read(b[:])
	return "msg_test_" + hex.EncodeToString(b[:])
}

// signal wakes a goroutine waiting on c without ever blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
