//go:build unix

package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/siptest"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// The window process of these tests is the test binary itself, run as
// TestHelperWindow with helperEnv naming what it does and helperFileEnv
// the file it logs to: "start PID" when it starts, "term" on SIGTERM.
const (
	helperEnv     = "GO_AGENT_HELPER"
	helperFileEnv = "GO_AGENT_HELPER_FILE"
)

// Helper window modes.
const (
	helperExit0 = "exit0" // exits 0 after a moment: the user closed the window
	helperCrash = "crash" // exits 3 at once
	helperWait  = "wait"  // runs until SIGTERM, then exits 0
)

// TestHelperWindow is not a test: it is the window process of the agent
// tests, and does nothing unless helperEnv is set.
func TestHelperWindow(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	file := os.Getenv(helperFileEnv)
	logLine := func(line string) {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			os.Exit(10)
		}
		fmt.Fprintln(f, line)
		f.Close()
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	logLine("start " + strconv.Itoa(os.Getpid()))
	switch mode {
	case helperExit0:
		time.Sleep(50 * time.Millisecond)
		os.Exit(0)
	case helperCrash:
		os.Exit(3)
	case helperWait:
		select {
		case <-term:
			logLine("term")
			os.Exit(0)
		case <-time.After(time.Minute): // never outlive a test run that lost us
			os.Exit(4)
		}
	}
	os.Exit(5)
}

// helperWindow returns an Options.Window running TestHelperWindow in
// mode, and the file it logs to.
func helperWindow(t *testing.T, mode string) (window func() *exec.Cmd, log string) {
	log = filepath.Join(t.TempDir(), "window.log")
	return func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWindow$")
		// Under -race a process exiting 0 sleeps a second first.
		gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
		cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperFileEnv+"="+log, "GORACE="+gorace)
		return cmd
	}, log
}

// windowStarts returns the pids of the window processes started so far.
func windowStarts(t *testing.T, log string) []int {
	t.Helper()
	var pids []int
	for _, line := range windowLog(t, log) {
		if s, ok := strings.CutPrefix(line, "start "); ok {
			pid, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("window log line %q", line)
			}
			pids = append(pids, pid)
		}
	}
	return pids
}

func windowLog(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' })
}

// runAgent runs a until it returns; the channel closes then. The test
// ends by quitting it and waiting for Run.
func runAgent(t *testing.T, a *Agent) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Run(t.Context())
	}()
	t.Cleanup(func() {
		a.Quit()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return 10 s after Quit")
		}
	})
	return done
}

// returns waits up to 10 s for Run to return.
func returns(t *testing.T, done <-chan struct{}, why string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Run did not return within 10 s after %s", why)
	}
}

func TestAgentNoTrayClosingWindowQuits(t *testing.T) {
	b := newBed(t, configWith())
	window, log := helperWindow(t, helperExit0)
	a := New(b.svc, Options{Tray: false, ShowAtStart: false, Window: window})
	returns(t, runAgent(t, a), "the only window closed")
	if n := len(windowStarts(t, log)); n != 1 {
		t.Errorf("%d window processes started, want 1", n)
	}
}

func TestAgentNoTrayCrashingWindowRestartsThenQuits(t *testing.T) {
	b := newBed(t, configWith())
	window, log := helperWindow(t, helperCrash)
	a := New(b.svc, Options{Tray: false, Window: window})
	returns(t, runAgent(t, a), "the window crashed three times")
	if n := len(windowStarts(t, log)); n != 3 {
		t.Errorf("%d window processes started, want 3 (the first and two restarts)", n)
	}
}

func TestAgentShowWhileOpenPublishesShow(t *testing.T) {
	b := newBed(t, configWith())
	window, log := helperWindow(t, helperWait)
	a := New(b.svc, Options{Tray: false, Window: window})
	ev := subscribe(t, b.svc)
	done := runAgent(t, a)
	waitFor(t, "the window process at start", 10*time.Second, func() bool { return len(windowStarts(t, log)) == 1 })
	if !b.svc.Status(t.Context()).Window {
		t.Error("Status.Window = false with the window running")
	}

	// A second launch asks the agent to show its window: the running one
	// is asked to come to the front, no second one starts.
	if err := b.svc.ShowWindow(); err != nil {
		t.Fatal(err)
	}
	shows := func() int { return len(ev.of(func(e ui.Event) bool { return e.Kind == ui.ShowWindow })) }
	siptest.Exactly(t, "ShowWindow events", 1, 5*time.Second, shows)
	pids := windowStarts(t, log)
	if len(pids) != 1 {
		t.Fatalf("%d window processes started, want 1", len(pids))
	}

	a.Quit()
	returns(t, done, "Quit")
	if got := windowLog(t, log); got[len(got)-1] != "term" {
		t.Errorf("window log %q: the window got no SIGTERM", got)
	}
	if err := syscall.Kill(pids[0], 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("window process %d after Run returned: kill 0 = %v, want ESRCH", pids[0], err)
	}
	waitFor(t, "Status.Window false", 5*time.Second, func() bool { return !b.svc.Status(t.Context()).Window })
	if err := b.svc.ShowWindow(); err == nil {
		t.Error("ShowWindow after Quit started a window")
	}
	if n := len(windowStarts(t, log)); n != 1 {
		t.Errorf("%d window processes started, want 1", n)
	}
}

// `callhook` ends on SIGTERM through its context: Run stops the window
// and returns.
func TestAgentRunEndsWithContext(t *testing.T) {
	b := newBed(t, configWith())
	window, log := helperWindow(t, helperWait)
	a := New(b.svc, Options{Tray: false, Window: window})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Run(ctx)
	}()
	waitFor(t, "the window process", 10*time.Second, func() bool { return len(windowStarts(t, log)) == 1 })
	cancel()
	returns(t, done, "its context ended")
	if got := windowLog(t, log); got[len(got)-1] != "term" {
		t.Errorf("window log %q: the window got no SIGTERM", got)
	}
}

// notices records desktop notifications.
type notices struct {
	mu  sync.Mutex
	got [][2]string
}

func (n *notices) notify(title, body string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, [2]string{title, body})
	return nil
}

func (n *notices) list() [][2]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}

func (n *notices) count() int { return len(n.list()) }

func TestAgentNotifiesFailedDelivery(t *testing.T) {
	const hostile = "<a href=x>\u202eEvil\n"
	off := false
	for _, tt := range []struct {
		name   string
		notify *bool
		want   int
	}{
		{"default", nil, 1},
		{"notify_failures false", &off, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rcv := newReceiver(t, http.StatusBadRequest)
			cfg := configWith(rcv.hook("crm", 0, call.IncomingRing))
			cfg.UI.Notify = tt.notify
			b := newBed(t, cfg)
			window, log := helperWindow(t, helperWait)
			var n notices
			a := New(b.svc, Options{Tray: false, Window: window, Notify: n.notify})
			ev := subscribe(t, b.svc)
			runAgent(t, a)
			// Run subscribes before it opens the window.
			waitFor(t, "the window process", 10*time.Second, func() bool { return len(windowStarts(t, log)) == 1 })

			id, err := b.svc.SimulateCall(t.Context(), sip.Simulation{Direction: call.In, Remote: "+4930123", Name: hostile})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the failed delivery", 10*time.Second, func() bool {
				for _, e := range ev.deliveries(id) {
					if e.Delivery.Final && e.Delivery.State == hooks.StateFailed {
						return true
					}
				}
				return false
			})
			if tt.want == 0 {
				if !siptest.Steady(func() bool { return n.count() == 0 }) {
					t.Errorf("notifications %q with notify_failures false", n.list())
				}
				return
			}
			siptest.Exactly(t, "notifications", tt.want, 5*time.Second, n.count)
			for _, tb := range n.list() {
				title, body := tb[0], tb[1]
				if title == "" || !strings.Contains(body, "Evil") || !strings.Contains(body, "+4930123") {
					t.Errorf("notification %q %q: want a title, and the caller's name and number in the body", title, body)
				}
				if i := strings.IndexFunc(body, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
					t.Errorf("notification body %q has control or bidi character %U", body, []rune(body[i:])[0])
				}
			}
		})
	}
}

// The agent's Run hooks itself into config changes (Service.onConfig)
// while the file watch, started first by `callhook` (cmd_agent.go), may
// already be applying one: nothing orders the two.
func TestAgentRunWhileWatchingConfig(t *testing.T) {
	b := newBed(t, configWith())
	ctx, cancel := context.WithCancel(t.Context())
	reloaded := make(chan error, 10)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		b.svc.WatchConfig(ctx, 5*time.Millisecond, func(_ *hooks.Config, err error) {
			select {
			case reloaded <- err:
			default:
			}
		})
	}()
	defer func() { cancel(); <-watching }()
	window, log := helperWindow(t, helperWait)
	a := New(b.svc, Options{Tray: false, Window: window})
	runAgent(t, a)
	waitFor(t, "the window process", 10*time.Second, func() bool { return len(windowStarts(t, log)) == 1 })
	cfg := b.svc.Config()
	cfg.User = "edited"
	if err := hooks.Save(b.config, cfg); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-reloaded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reload within 10 s")
	}
}
