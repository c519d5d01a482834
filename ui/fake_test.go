package ui

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// fakeBackend is a Backend of function fields; nil fields use the
// defaults of newFake, which keep a config in memory and record saves
// and secrets.
type fakeBackend struct {
	ConfigFn       func() *hooks.Config
	SaveFn         func(*hooks.Config) error
	ReloadFn       func() (*hooks.Config, error)
	TestFn         func(context.Context, hooks.Hook, call.Trigger) (TestResult, error)
	HistoryFn      func(context.Context, int) ([]CallRow, error)
	ActiveCallsFn  func() []call.Call
	ResendFn       func(context.Context, string) error
	DeliveryFn     func(context.Context, string) (DeliveryDetail, error)
	SimulateWithFn func(ctx context.Context, d call.Direction, remote, name, queue string) error
	SourceStatusFn func() SourceStatus
	PolicyFn       func() hooks.PolicyStatus
	SetSecretFn    func(name, value string) error

	mu      sync.Mutex
	cfg     *hooks.Config
	policy  hooks.PolicyStatus
	saves   []*hooks.Config
	secrets map[string]string
	subs    []func(Event)
}

var _ Backend = (*fakeBackend)(nil)

func newFake(cfg *hooks.Config) *fakeBackend {
	return &fakeBackend{cfg: cfg, secrets: map[string]string{}}
}

func (f *fakeBackend) Config() *hooks.Config {
	if f.ConfigFn != nil {
		return f.ConfigFn()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg.Clone()
}

func (f *fakeBackend) Save(cfg *hooks.Config) error {
	if f.SaveFn != nil {
		return f.SaveFn(cfg)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := cfg.ValidateWith(f.policy.Policy); err != nil {
		return err
	}
	f.cfg = cfg.Clone()
	f.saves = append(f.saves, cfg.Clone())
	return nil
}

// saved returns the configs saved so far.
func (f *fakeBackend) saved() []*hooks.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*hooks.Config(nil), f.saves...)
}

func (f *fakeBackend) lastSaved(t *testing.T) *hooks.Config {
	t.Helper()
	s := f.saved()
	if len(s) == 0 {
		t.Fatal("nothing saved")
	}
	return s[len(s)-1]
}

func (f *fakeBackend) Reload() (*hooks.Config, error) {
	if f.ReloadFn != nil {
		return f.ReloadFn()
	}
	return f.Config(), nil
}

func (f *fakeBackend) Test(ctx context.Context, h hooks.Hook, t call.Trigger) (TestResult, error) {
	if f.TestFn != nil {
		return f.TestFn(ctx, h, t)
	}
	return TestResult{Status: 200, Latency: 12 * time.Millisecond, Excerpt: "ok"}, nil
}

func (f *fakeBackend) History(ctx context.Context, limit int) ([]CallRow, error) {
	if f.HistoryFn != nil {
		return f.HistoryFn(ctx, limit)
	}
	return nil, nil
}

func (f *fakeBackend) ActiveCalls() []call.Call {
	if f.ActiveCallsFn != nil {
		return f.ActiveCallsFn()
	}
	return nil
}

func (f *fakeBackend) Resend(ctx context.Context, id string) error {
	if f.ResendFn != nil {
		return f.ResendFn(ctx, id)
	}
	return nil
}

func (f *fakeBackend) Delivery(ctx context.Context, id string) (DeliveryDetail, error) {
	if f.DeliveryFn != nil {
		return f.DeliveryFn(ctx, id)
	}
	return DeliveryDetail{}, nil
}

func (f *fakeBackend) SimulateWith(ctx context.Context, d call.Direction, remote, name, queue string) error {
	if f.SimulateWithFn != nil {
		return f.SimulateWithFn(ctx, d, remote, name, queue)
	}
	return nil
}

func (f *fakeBackend) SourceStatus() SourceStatus {
	if f.SourceStatusFn != nil {
		return f.SourceStatusFn()
	}
	return SourceStatus{State: "off"}
}

// Policy returns the policy set with setPolicy; none by default. Save
// checks against it, as the agent does.
func (f *fakeBackend) Policy() hooks.PolicyStatus {
	if f.PolicyFn != nil {
		return f.PolicyFn()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.policy
	st.Policy = st.Policy.Clone()
	return st
}

// setPolicy puts p in force, from origin; the window hears of it with
// a PolicyChanged event.
func (f *fakeBackend) setPolicy(p *hooks.Policy, origin string) {
	f.mu.Lock()
	f.policy = hooks.PolicyStatus{}
	if p != nil {
		p = p.Clone()
		p.Origin = origin
		f.policy = hooks.PolicyStatus{Active: true, File: origin, From: origin, Policy: p}
	}
	f.mu.Unlock()
}

func (f *fakeBackend) SetSecret(name, value string) error {
	if f.SetSecretFn != nil {
		return f.SetSecretFn(name, value)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets[name] = value
	return nil
}

func (f *fakeBackend) secret(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secrets[name]
}

func (f *fakeBackend) Subscribe(fn func(Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
	i := len(f.subs) - 1
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.subs[i] = nil
	}
}

// emit sends e to the subscribers from another goroutine, as the engine
// does.
func (f *fakeBackend) emit(e Event) {
	f.mu.Lock()
	subs := slices.Clone(f.subs)
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range subs {
			if s != nil {
				s(e)
			}
		}
	}()
	<-done
}

// trayApp is a test app with a system tray that records what is shown,
// and the notifications sent.
type trayApp struct {
	fyne.App
	menu  *fyne.Menu
	icon  fyne.Resource
	notes []*fyne.Notification
}

var _ desktop.App = (*trayApp)(nil)

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)        { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(r fyne.Resource)     { a.icon = r }
func (a *trayApp) SetSystemTrayWindow(fyne.Window)       {}
func (a *trayApp) SendNotification(n *fyne.Notification) { a.notes = append(a.notes, n) }

// harness runs a UI the way fyne would, but deterministically: work
// started with spawn runs on real goroutines, and what they hand back with
// do queues until settle runs it on the test goroutine, which plays the
// fyne UI goroutine.
type harness struct {
	t       *testing.T
	app     *trayApp
	b       *fakeBackend
	u       *UI
	queue   chan func()
	pending atomic.Int64
}

func newHarness(t *testing.T, cfg *hooks.Config, opts Options) *harness {
	t.Helper()
	opts.Tray = true
	return newHarnessApp(t, cfg, opts)
}

// newHarnessApp runs the UI with opts as given: without Tray, the app has
// no tray.
func newHarnessApp(t *testing.T, cfg *hooks.Config, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, b: newFake(cfg), queue: make(chan func(), 1024)}
	h.app = &trayApp{App: test.NewTempApp(t)}
	h.u = New(h.app, h.b, opts)
	h.u.do = func(f func()) { h.queue <- f }
	h.u.spawn = func(f func()) {
		h.pending.Add(1)
		go func() {
			defer h.pending.Add(-1)
			f()
		}()
	}
	h.u.confirm = func(title, msg string, yes func()) { yes() }
	h.u.Start()
	t.Cleanup(h.u.stop)
	h.settle()
	return h
}

// settle runs queued UI work until no background work is left.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case f := <-h.queue:
			f()
			continue
		default:
		}
		if h.pending.Load() == 0 && len(h.queue) == 0 {
			return
		}
		select {
		case f := <-h.queue:
			f()
		case <-time.After(time.Millisecond):
		case <-deadline:
			h.t.Fatal("UI work did not settle")
		}
	}
}

// sampleConfig has one browser hook and one POST hook.
func sampleConfig() *hooks.Config {
	cfg := hooks.Default()
	cfg.CountryCode = "49"
	cfg.User = "max"
	cfg.Hooks = []hooks.Hook{
		{ID: "crm", Name: "Open CRM", Enabled: true, Triggers: []call.Trigger{call.IncomingAnswer},
			Action: hooks.ActionBrowser, URL: "https://crm.example.com/search?phone={remote|e164}"},
		{ID: "log", Name: "Log call", Enabled: true, Triggers: []call.Trigger{call.IncomingHangup},
			Action: hooks.ActionPost, URL: "https://crm.example.com/api/calls",
			ContentType: "application/json", Body: `{"caller":"{caller}","duration":{duration}}`},
	}
	return cfg
}
