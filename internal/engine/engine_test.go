package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

// fakeSource runs until its context ends or fail delivers an error.
type fakeSource struct {
	cfg    hooks.Source
	live   *atomic.Int32
	fail   chan error
	report func(sip.Status) // the engine's status callback for it
}

var _ sip.Source = (*fakeSource)(nil)

func (f *fakeSource) Run(ctx context.Context) error {
	defer f.live.Add(-1)
	select {
	case <-ctx.Done():
		return nil
	case err := <-f.fail:
		return err
	}
}

func (f *fakeSource) Status() sip.Status { return sip.Status{State: sip.StateListening} }

// fakes builds fakeSources and counts those running.
type fakes struct {
	live atomic.Int32
	mu   sync.Mutex
	all  []*fakeSource
}

func (fs *fakes) factory(cfg *hooks.Config, _ string, _ *sip.Tracker, _ hooks.Secrets, _ *slog.Logger, report func(sip.Status)) (sip.Source, error) {
	if cfg.Source.Mode == hooks.SourceNone {
		return nil, nil
	}
	fs.live.Add(1) // now: it counts from when the engine owns it
	f := &fakeSource{cfg: cfg.Source, live: &fs.live, fail: make(chan error, 1), report: report}
	fs.mu.Lock()
	fs.all = append(fs.all, f)
	fs.mu.Unlock()
	return f, nil
}

func (fs *fakes) last() *fakeSource {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.all[len(fs.all)-1]
}

// startEngine starts an engine on a fresh data directory with source
// src, built by fs; it is closed when the test ends.
func startEngine(t *testing.T, fs *fakes, src hooks.Source) *Engine {
	t.Helper()
	cfg := hooks.Default()
	cfg.Source = src
	e, err := Open(t.TempDir(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.newSource = fs.factory
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Close(ctx)
	})
	return e
}

func withSource(src hooks.Source) *hooks.Config {
	cfg := hooks.Default()
	cfg.Source = src
	return cfg
}

func dialog(server string) hooks.Source {
	return hooks.Source{Mode: hooks.SourceDialog, Dialog: hooks.DialogSource{Server: server}}
}

func proxy(listen string) hooks.Source {
	return hooks.Source{Mode: hooks.SourceProxy, Proxy: hooks.ProxySource{Listen: listen, Upstream: "pbx.example.com"}}
}

// A save in the window and a reload of the file at once must leave one
// source running, the one of the config in force.
func TestSetConfigConcurrentLeavesOneSource(t *testing.T) {
	var fs fakes
	e := startEngine(t, &fs, dialog("pbx0"))
	var wg sync.WaitGroup
	for i := 1; i <= 8; i++ {
		wg.Go(func() {
			if err := e.SetConfig(context.Background(), withSource(dialog(fmt.Sprintf("pbx%d", i)))); err != nil {
				t.Errorf("SetConfig pbx%d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := fs.live.Load(); n != 1 {
		t.Errorf("%d sources running, want 1", n)
	}
	e.mu.Lock()
	running := e.running.cfg
	e.mu.Unlock()
	if want := e.Config().Source; running.Dialog.Server != want.Dialog.Server {
		t.Errorf("running source for %s, config in force asks for %s", running.Dialog.Server, want.Dialog.Server)
	}
}

// endings records the hangups the engine passes on.
type endings struct {
	mu  sync.Mutex
	got map[string]call.Outcome
}

func listen(e *Engine) *endings {
	en := &endings{got: map[string]call.Outcome{}}
	e.OnCall(func(ev call.Event) {
		if ev.Trigger == call.IncomingHangup || ev.Trigger == call.OutgoingHangup {
			en.mu.Lock()
			en.got[ev.Call.ID] = ev.Call.Outcome
			en.mu.Unlock()
		}
	})
	return en
}

func (en *endings) outcome(id string) (call.Outcome, bool) {
	en.mu.Lock()
	defer en.mu.Unlock()
	o, ok := en.got[id]
	return o, ok
}

func ringing(e *Engine, id string) {
	e.Tracker().Ring(sip.Observation{ID: id, Direction: call.In, Caller: call.Party{Number: "030123"}})
}

// A source that gives way to one that cannot know its calls ends them as
// failed; a proxy hands its calls to the next proxy, which ends them.
func TestSourceChangeEndsCallsInProgress(t *testing.T) {
	tests := []struct {
		name      string
		from, to  hooks.Source
		wantEnded bool
	}{
		{"dialog to none", dialog("pbx"), hooks.Source{Mode: hooks.SourceNone}, true},
		{"dialog to another PBX", dialog("pbx"), dialog("pbx2"), true},
		{"proxy to dialog", proxy("127.0.0.1:5070"), dialog("pbx"), true},
		{"proxy to proxy on another port", proxy("127.0.0.1:5070"), proxy("127.0.0.1:5072"), false},
		{"proxy to proxy on the same port", proxy("127.0.0.1:5070"), func() hooks.Source {
			s := proxy("127.0.0.1:5070")
			s.Proxy.Upstream = "pbx2.example.com"
			return s
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fs fakes
			e := startEngine(t, &fs, tt.from)
			en := listen(e)
			ringing(e, "c1")
			if err := e.SetConfig(context.Background(), withSource(tt.to)); err != nil {
				t.Fatal(err)
			}
			o, ended := en.outcome("c1")
			if ended != tt.wantEnded {
				t.Fatalf("call ended: %v, want %v", ended, tt.wantEnded)
			}
			if ended && o != call.Failed {
				t.Errorf("outcome %q, want failed", o)
			}
			if n := len(e.Tracker().Active()); ended && n != 0 || !ended && n != 1 {
				t.Errorf("%d calls in progress", n)
			}
		})
	}
}

// A source that stops by itself ends its calls as failed and says so on
// Failed.
func TestSourceFailureEndsCallsInProgress(t *testing.T) {
	var fs fakes
	e := startEngine(t, &fs, dialog("pbx"))
	en := listen(e)
	ringing(e, "c1")
	fs.last().fail <- errors.New("connection lost")
	select {
	case err := <-e.Failed():
		if err.Error() != "connection lost" {
			t.Errorf("Failed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no failure reported")
	}
	if o, ok := en.outcome("c1"); !ok || o != call.Failed {
		t.Errorf("call c1: ended %v, outcome %q; want ended failed", ok, o)
	}
	if a := e.Tracker().Active(); len(a) != 0 {
		t.Errorf("calls in progress after the source failed: %+v", a)
	}
}

// A replaced source goes on reporting while it stops (an old SUBSCRIBE
// error, "stopped"): the engine passes on only the reports of the source
// it runs, so the window does not show the old source's state as the
// new one's.
func TestStatusOfAReplacedSourceIsDropped(t *testing.T) {
	var fs fakes
	e := startEngine(t, &fs, dialog("pbx0"))
	old := fs.last()
	var mu sync.Mutex
	var got []string
	e.OnStatus(func(s sip.Status) {
		mu.Lock()
		got = append(got, s.Err)
		mu.Unlock()
	})
	if err := e.SetConfig(context.Background(), withSource(proxy("127.0.0.1:5070"))); err != nil {
		t.Fatal(err)
	}
	cur := fs.last()
	if cur == old {
		t.Fatal("no new source")
	}
	old.report(sip.Status{State: sip.StateError, Err: "old: SUBSCRIBE 403"})
	cur.report(sip.Status{State: sip.StateError, Err: "new: bind refused"})
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "|") != "new: bind refused" {
		t.Errorf("status reports passed on: %q, want only the new source's", got)
	}
}
