//go:build cgo || !darwin

package control

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// fakeService is a Service of function fields; a test sets those it
// uses. Subscriptions are real: publish calls every subscriber, and
// subscribed and unsubscribed report them.
type fakeService struct {
	ConfigFn       func() *hooks.Config
	SaveFn         func(*hooks.Config) error
	ReloadFn       func() (*hooks.Config, error)
	TestFn         func(context.Context, hooks.Hook, call.Trigger) (ui.TestResult, error)
	HistoryFn      func(context.Context, int) ([]ui.CallRow, error)
	ActiveCallsFn  func() []call.Call
	ResendFn       func(context.Context, string) error
	DeliveryFn     func(context.Context, string) (ui.DeliveryDetail, error)
	SimulateWithFn func(ctx context.Context, d call.Direction, remote, name, queue string) error
	SourceStatusFn func() ui.SourceStatus
	PolicyFn       func() hooks.PolicyStatus
	SetSecretFn    func(name, value string) error
	StatusFn       func(context.Context) Status
	ShowWindowFn   func() error
	HookTestFn     func(context.Context, string, call.Trigger) (hooks.Result, error)
	SimulateCallFn func(context.Context, sip.Simulation) (string, error)
	WaitFn         func(context.Context, string) error

	subscribed   chan struct{}
	unsubscribed chan struct{}
	mu           sync.Mutex
	subs         map[int]func(ui.Event)
	next         int
}

var _ Service = (*fakeService)(nil)

// newFake returns a fake whose reads answer with defaults, so that Dial
// works against it.
func newFake() *fakeService {
	return &fakeService{
		ConfigFn:       hooks.Default,
		SourceStatusFn: func() ui.SourceStatus { return ui.SourceStatus{State: "off"} },
		PolicyFn:       func() hooks.PolicyStatus { return hooks.PolicyStatus{} },
		ActiveCallsFn:  func() []call.Call { return nil },
		StatusFn:       func(context.Context) Status { return Status{Kind: "agent"} },
		subscribed:     make(chan struct{}, 16),
		unsubscribed:   make(chan struct{}, 16),
		subs:           map[int]func(ui.Event){},
	}
}

func (f *fakeService) Config() *hooks.Config          { return f.ConfigFn() }
func (f *fakeService) Save(cfg *hooks.Config) error   { return f.SaveFn(cfg) }
func (f *fakeService) Reload() (*hooks.Config, error) { return f.ReloadFn() }
func (f *fakeService) Test(ctx context.Context, h hooks.Hook, t call.Trigger) (ui.TestResult, error) {
	return f.TestFn(ctx, h, t)
}
func (f *fakeService) History(ctx context.Context, limit int) ([]ui.CallRow, error) {
	return f.HistoryFn(ctx, limit)
}
func (f *fakeService) ActiveCalls() []call.Call { return f.ActiveCallsFn() }
func (f *fakeService) Resend(ctx context.Context, id string) error {
	return f.ResendFn(ctx, id)
}
func (f *fakeService) Delivery(ctx context.Context, id string) (ui.DeliveryDetail, error) {
	return f.DeliveryFn(ctx, id)
}
func (f *fakeService) SimulateWith(ctx context.Context, d call.Direction, remote, name, queue string) error {
	return f.SimulateWithFn(ctx, d, remote, name, queue)
}
func (f *fakeService) SourceStatus() ui.SourceStatus             { return f.SourceStatusFn() }
func (f *fakeService) Policy() hooks.PolicyStatus                { return f.PolicyFn() }
func (f *fakeService) SetSecret(name, value string) error        { return f.SetSecretFn(name, value) }
func (f *fakeService) Status(ctx context.Context) Status         { return f.StatusFn(ctx) }
func (f *fakeService) ShowWindow() error                         { return f.ShowWindowFn() }
func (f *fakeService) Wait(ctx context.Context, id string) error { return f.WaitFn(ctx, id) }
func (f *fakeService) HookTest(ctx context.Context, id string, t call.Trigger) (hooks.Result, error) {
	return f.HookTestFn(ctx, id, t)
}
func (f *fakeService) SimulateCall(ctx context.Context, s sip.Simulation) (string, error) {
	return f.SimulateCallFn(ctx, s)
}

func (f *fakeService) Subscribe(fn func(ui.Event)) func() {
	f.mu.Lock()
	id := f.next
	f.next++
	f.subs[id] = fn
	f.mu.Unlock()
	f.subscribed <- struct{}{}
	return func() {
		f.mu.Lock()
		_, ok := f.subs[id]
		delete(f.subs, id)
		f.mu.Unlock()
		if ok {
			f.unsubscribed <- struct{}{}
		}
	}
}

// publish hands ev to every subscriber, as the engine does: on the
// publisher's goroutine.
func (f *fakeService) publish(ev ui.Event) {
	f.mu.Lock()
	fns := make([]func(ui.Event), 0, len(f.subs))
	for _, fn := range f.subs {
		fns = append(fns, fn)
	}
	f.mu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

// waitTimeout bounds every wait of the tests for something that should
// happen at once.
const waitTimeout = 10 * time.Second

// await fails t unless ch yields within waitTimeout.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// serve serves f on a socket in a fresh data directory and returns the
// server and the socket's path; both go away with the test.
func serve(t *testing.T, f *fakeService, log *slog.Logger) (*Server, string) {
	t.Helper()
	path := SocketPath(t.TempDir())
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := Serve(ln, f, log)
	t.Cleanup(func() { srv.Close() })
	return srv, path
}

// connect serves f and dials it.
func connect(t *testing.T, f *fakeService) (*Client, *Server) {
	t.Helper()
	srv, path := serve(t, f, nil)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, err := Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, srv
}
