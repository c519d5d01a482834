package agent

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/ui"
)

// receiver is a webhook receiver on loopback that answers every request
// with status and records the trigger and call each came for.
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32

	mu  sync.Mutex
	got []hit
}

type hit struct {
	trigger call.Trigger
	call    string
}

func newReceiver(t *testing.T, status int) *receiver {
	t.Helper()
	r := &receiver{}
	r.status.Store(int32(status))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		r.mu.Lock()
		r.got = append(r.got, hit{trigger: call.Trigger(q.Get("trigger")), call: q.Get("call")})
		r.mu.Unlock()
		w.WriteHeader(int(r.status.Load()))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// hook returns an enabled GET hook to r for triggers; retries 0 means
// none, so that a failed attempt is final.
func (r *receiver) hook(id string, retries int, triggers ...call.Trigger) hooks.Hook {
	return hooks.Hook{ID: id, Name: "Hook " + id, Enabled: true, Triggers: triggers, Action: hooks.ActionGet,
		URL: r.srv.URL + "/hook?trigger={trigger}&call={call_id}", Retries: &retries}
}

// hits returns what r received for call id ("" for every call).
func (r *receiver) hits(id string) []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hit
	for _, h := range r.got {
		if id == "" || h.call == id {
			out = append(out, h)
		}
	}
	return out
}

func (r *receiver) count() int { return len(r.hits("")) }

// bed is a real engine (source mode none, journal in a temp dir) served
// by a Service, with its config in a temp file.
type bed struct {
	ctx    context.Context
	e      *engine.Engine
	svc    *Service
	config string
}

// newBed starts an engine on cfg and a Service of kind KindRun on it;
// everything stops when the test ends.
func newBed(t *testing.T, cfg *hooks.Config) *bed {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := hooks.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	e := startEngine(t, cfg.Clone())
	ctx, cancel := context.WithCancel(context.Background())
	svc := NewService(ctx, e, ServiceOptions{Config: path, Kind: KindRun, Version: "test"})
	t.Cleanup(func() {
		cancel()
		svc.Close()
	})
	return &bed{ctx: ctx, e: e, svc: svc, config: path}
}

// startEngine opens and starts an engine on cfg with its journal in a
// temp dir; it is closed when the test ends.
func startEngine(t *testing.T, cfg *hooks.Config, opts ...engine.Option) *engine.Engine {
	t.Helper()
	e, err := engine.Open(t.TempDir(), cfg, slog.New(slog.DiscardHandler), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.Close(ctx); err != nil {
			t.Errorf("close engine: %v", err)
		}
	})
	return e
}

// configWith returns the default config (source mode none) with hs.
func configWith(hs ...hooks.Hook) *hooks.Config {
	cfg := hooks.Default()
	cfg.Hooks = append(cfg.Hooks, hs...)
	return cfg
}

// events records the service's events.
type events struct {
	mu  sync.Mutex
	all []ui.Event
}

func subscribe(t *testing.T, s *Service) *events {
	ev := &events{}
	cancel := s.Subscribe(func(e ui.Event) {
		ev.mu.Lock()
		ev.all = append(ev.all, e)
		ev.mu.Unlock()
	})
	t.Cleanup(cancel)
	return ev
}

// of returns the events for which keep is true.
func (ev *events) of(keep func(ui.Event) bool) []ui.Event {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(ev.all), func(e ui.Event) bool { return !keep(e) })
}

// deliveries returns the DeliveryDone events of call id.
func (ev *events) deliveries(id string) []ui.Event {
	return ev.of(func(e ui.Event) bool { return e.Kind == ui.DeliveryDone && e.Delivery.CallID == id })
}

// eventually polls cond every 10 ms until it holds or within passes,
// and reports whether it held.
func eventually(within time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(within); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// waitFor is eventually that fails the test, naming what did not happen.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	if !eventually(within, cond) {
		t.Fatalf("%s: not within %v", what, within)
	}
}
