package hooks

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// received is one request as a test receiver saw it.
type received struct {
	method string
	path   string
	query  string
	header http.Header
	body   []byte
	at     time.Time
}

// receiver is a real HTTP server that records requests and answers with
// respond (n is the 1-based request count).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []received
	respond func(n int, w http.ResponseWriter, r *http.Request)
	arrived chan struct{}
}

func newReceiver(t testing.TB, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	rc := &receiver{respond: respond, arrived: make(chan struct{}, 1<<16)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, received{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body, time.Now()})
		n := len(rc.reqs)
		respond := rc.respond
		rc.mu.Unlock()
		select {
		case rc.arrived <- struct{}{}:
		default:
		}
		if respond != nil {
			respond(n, w, r)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

func (rc *receiver) setRespond(f func(n int, w http.ResponseWriter, r *http.Request)) {
	rc.mu.Lock()
	rc.respond = f
	rc.mu.Unlock()
}

// statuses answers the n-th request with codes[n-1], the last code after.
func statuses(codes ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(codes[min(n, len(codes))-1])
	}
}

func testConfig(hooks ...Hook) *Config {
	return &Config{Version: ConfigVersion, Enabled: true, User: "max", CountryCode: "49", Hooks: hooks}
}

func intp(v int) *int { return &v }

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testCall returns an incoming call in progress.
func testCall(id string) call.Call {
	start := time.Now().Add(-10 * time.Second).Truncate(time.Millisecond)
	return call.Call{
		ID: id, Direction: call.In,
		Caller: call.Party{Number: "03012345678", Name: "Erika Mustermann"},
		Callee: call.Party{Number: "1002", Name: "max"},
		User:   "max", Start: start,
	}
}

func event(c call.Call, t call.Trigger) call.Event {
	return call.Event{Trigger: t, Call: c, At: time.Now()}
}

// openJournal opens a journal in dir and closes it when the test ends.
func openJournal(t testing.TB, dir string) *Journal {
	t.Helper()
	j, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// startDispatcher starts a dispatcher on a fresh journal with fast
// retries; it is closed when the test ends.
func startDispatcher(t testing.TB, cfg *Config, opts ...Option) (*Dispatcher, *Journal) {
	t.Helper()
	j := openJournal(t, t.TempDir())
	opts = append([]Option{WithLogger(discardLogger()), WithBackoff(time.Millisecond, 20*time.Millisecond),
		WithSecrets(MapSecrets{})}, opts...)
	d := NewDispatcher(j, cfg, opts...)
	if err := d.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Close(ctx)
	})
	return d, j
}

// waitFor fails the test unless c delivers within a time no healthy
// machine needs: it guards against a hang, it does not measure.
func waitFor(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s never happened", what)
	}
}

// waitCall waits until every delivery of callID is final.
func waitCall(t testing.TB, d *Dispatcher, callID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Wait(ctx, callID); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

// deliveriesOf returns the journal's deliveries of callID.
func deliveriesOf(t testing.TB, j *Journal, callID string) []DeliveryEntry {
	t.Helper()
	calls, err := j.Calls(context.Background(), 1000)
	if err != nil {
		t.Fatalf("Calls: %v", err)
	}
	for _, c := range calls {
		if c.Call.ID == callID {
			return c.Deliveries
		}
	}
	t.Fatalf("call %s not in the journal", callID)
	return nil
}
