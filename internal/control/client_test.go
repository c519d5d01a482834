//go:build cgo || !darwin

package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

func TestConfig(t *testing.T) {
	f := newFake()
	f.ConfigFn = testConfig
	c, _ := connect(t, f)
	equal(t, "config", c.Config(), testConfig())
}

func TestConfigAndSourceFallBackToLastValue(t *testing.T) {
	f := newFake()
	f.ConfigFn, f.SourceStatusFn = testConfig, testSource
	c, srv := connect(t, f)
	srv.Close()
	equal(t, "config", c.Config(), testConfig())
	equal(t, "source", c.SourceStatus(), testSource())
}

func TestSave(t *testing.T) {
	f := newFake()
	var got *hooks.Config
	f.SaveFn = func(cfg *hooks.Config) error { got = cfg; return nil }
	c, _ := connect(t, f)
	if err := c.Save(testConfig()); err != nil {
		t.Fatal(err)
	}
	equal(t, "saved config", got, testConfig())
}

func TestSaveValidationError(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"as is", twoProblems()},
		{"wrapped", fmt.Errorf("save %s: %w", "config.json", twoProblems())},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.SaveFn = func(*hooks.Config) error { return tt.err }
			c, _ := connect(t, f)
			err := c.Save(testConfig())
			var ve *hooks.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %T %v, want a *hooks.ValidationError", err, err)
			}
			equal(t, "problems", ve.Problems, twoProblems().Problems)
			if err.Error() != tt.err.Error() {
				t.Errorf("message %q, want %q", err, tt.err)
			}
		})
	}
}

func TestReload(t *testing.T) {
	for _, tt := range []struct {
		name    string
		cfg     *hooks.Config
		err     error
		problem bool
	}{
		{"ok", testConfig(), nil, false},
		{"config and error", testConfig(), errors.New("apply config: listen udp :5060: address already in use"), false},
		{"invalid file", nil, twoProblems(), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.ReloadFn = func() (*hooks.Config, error) { return tt.cfg, tt.err }
			c, _ := connect(t, f)
			cfg, err := c.Reload()
			equal(t, "config", cfg, tt.cfg)
			if tt.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.err.Error() {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if ve := (*hooks.ValidationError)(nil); errors.As(err, &ve) != tt.problem {
				t.Errorf("error %T: a *hooks.ValidationError is %v, want %v", err, !tt.problem, tt.problem)
			}
		})
	}
}

func TestTest(t *testing.T) {
	f := newFake()
	want := ui.TestResult{Status: 503, Latency: 1234 * time.Millisecond, Excerpt: "down \u2028 <b>", Err: "status 503 counts as failure"}
	var gotHook hooks.Hook
	var gotTrigger call.Trigger
	f.TestFn = func(_ context.Context, h hooks.Hook, tr call.Trigger) (ui.TestResult, error) {
		gotHook, gotTrigger = h, tr
		return want, errors.New("status 503 Service Unavailable")
	}
	c, _ := connect(t, f)
	res, err := c.Test(t.Context(), testConfig().Hooks[0], call.QueueAnswer)
	if err == nil || err.Error() != "status 503 Service Unavailable" {
		t.Errorf("error %v", err)
	}
	equal(t, "result", res, want)
	equal(t, "hook", gotHook, testConfig().Hooks[0])
	equal(t, "trigger", gotTrigger, call.QueueAnswer)
}

func TestHistory(t *testing.T) {
	sent, want := hostileCall()
	row := func(c call.Call) []ui.CallRow {
		return []ui.CallRow{{Call: c, Deliveries: []ui.DeliveryRow{{
			WebhookID: "msg_1", CallID: c.ID, HookID: "crm", HookName: "CRM", Trigger: call.IncomingRing,
			Action: hooks.ActionPost, State: hooks.StateFailed, StatusCode: 500, Attempts: 6,
			Latency: 80 * time.Millisecond, Err: "status 500", At: t0,
		}}}, {Call: call.Call{ID: "c2", Direction: call.Out, Start: t0}}}
	}
	f := newFake()
	var gotLimit int
	f.HistoryFn = func(_ context.Context, limit int) ([]ui.CallRow, error) { gotLimit = limit; return row(sent), nil }
	c, _ := connect(t, f)
	rows, err := c.History(t.Context(), 25)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "rows", rows, row(want))
	equal(t, "limit", gotLimit, 25)
}

func TestActiveCallsHostileText(t *testing.T) {
	sent, want := hostileCall()
	f := newFake()
	f.ActiveCallsFn = func() []call.Call { return []call.Call{sent} }
	c, _ := connect(t, f)
	got := c.ActiveCalls()
	equal(t, "calls", got, []call.Call{want})
	if len(got) == 1 && got[0].Caller.Name != hostileName {
		t.Errorf("caller name %q, want %q", got[0].Caller.Name, hostileName)
	}
}

func TestResend(t *testing.T) {
	f := newFake()
	f.ResendFn = func(_ context.Context, id string) error {
		if id != "msg_known" {
			return fmt.Errorf("re-send: no delivery %q", id)
		}
		return nil
	}
	c, _ := connect(t, f)
	if err := c.Resend(t.Context(), "msg_known"); err != nil {
		t.Errorf("known id: %v", err)
	}
	err := c.Resend(t.Context(), "msg_\"unknown\"")
	if want := `re-send: no delivery "msg_\"unknown\""`; err == nil || err.Error() != want {
		t.Errorf("unknown id: got %v, want %s", err, want)
	}
}

func TestDelivery(t *testing.T) {
	f := newFake()
	want := ui.DeliveryDetail{Request: "POST http://crm/x\nAuthorization: ***\n\n{\"name\":\"" + hostileName + "\"}",
		Attempts: []ui.AttemptRow{{At: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), StatusCode: 503,
			Latency: 42 * time.Millisecond, Err: "HTTP 503", Response: hostileName}}}
	f.DeliveryFn = func(_ context.Context, id string) (ui.DeliveryDetail, error) {
		if id != "msg_known" {
			return ui.DeliveryDetail{}, fmt.Errorf("no delivery %q", id)
		}
		return want, nil
	}
	c, _ := connect(t, f)
	got, err := c.Delivery(t.Context(), "msg_known")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Delivery = %+v, %v; want %+v", got, err, want)
	}
	if _, err := c.Delivery(t.Context(), "msg_other"); err == nil || err.Error() != `no delivery "msg_other"` {
		t.Errorf("unknown id: %v", err)
	}
}

func TestSourceStatus(t *testing.T) {
	f := newFake()
	f.SourceStatusFn = testSource
	c, _ := connect(t, f)
	equal(t, "source", c.SourceStatus(), testSource())
}

func TestSetSecret(t *testing.T) {
	const name, value = "crm", "s3cr3t-\"value\"\n"
	f := newFake()
	var gotName, gotValue string
	f.SetSecretFn = func(n, v string) error {
		gotName, gotValue = n, v
		if n == "bad name" {
			return fmt.Errorf("secret name %q: use letters, digits, - and _", n)
		}
		return nil
	}
	var logs syncBuffer
	_, path := serve(t, f, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c, err := Dial(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetSecret(name, value); err != nil {
		t.Fatal(err)
	}
	equal(t, "name and value", []string{gotName, gotValue}, []string{name, value})
	if err := c.SetSecret("bad name", value); err == nil || !strings.Contains(err.Error(), `secret name "bad name"`) {
		t.Errorf("bad name: %v", err)
	}
	if !strings.Contains(logs.String(), PathSecret) {
		t.Errorf("the log has no request line, so it proves nothing:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("the secret is in the log:\n%s", logs.String())
	}
}

func TestStatus(t *testing.T) {
	sent, wantCall := hostileCall()
	status := func(c call.Call) Status {
		return Status{
			PID: 4242, Kind: "agent", Version: "1.2.3", Config: "/home/anna/.config/callhook/config.json",
			Data: "/home/anna/.config/callhook", Started: t0, Enabled: true, Hooks: 3, Mode: hooks.SourceDialog,
			Source: testSource(), Calls: []call.Call{c}, Pending: 7, Window: true, Tray: true,
		}
	}
	f := newFake()
	f.StatusFn = func(context.Context) Status { return status(sent) }
	c, _ := connect(t, f)
	got, err := c.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "status", got, status(wantCall))
}

func TestShow(t *testing.T) {
	f := newFake()
	shown := 0
	f.ShowWindowFn = func() error {
		shown++
		if shown > 1 {
			return errors.New("start window: exec: no such file")
		}
		return nil
	}
	c, _ := connect(t, f)
	if err := c.Show(t.Context()); err != nil {
		t.Fatal(err)
	}
	if shown != 1 {
		t.Errorf("shown %d times, want 1", shown)
	}
	if err := c.Show(t.Context()); err == nil || err.Error() != "start window: exec: no such file" {
		t.Errorf("failing show: %v", err)
	}
}

func TestHookTest(t *testing.T) {
	want := hooks.Result{
		WebhookID: "msg_test_1", CallID: "sample", HookID: "crm", HookName: "CRM", Trigger: call.IncomingRing,
		Action: hooks.ActionPost, Attempt: 1, Final: true, State: hooks.StateFailed, StatusCode: 404,
		Latency: 42 * time.Millisecond, Error: "status 404", Response: "not found \u2028", At: t0,
	}
	f := newFake()
	f.HookTestFn = func(_ context.Context, id string, tr call.Trigger) (hooks.Result, error) {
		if id != "crm" {
			return hooks.Result{}, fmt.Errorf("hook %q is not in the config", id)
		}
		if tr != call.IncomingRing {
			return hooks.Result{}, fmt.Errorf("trigger %q", tr)
		}
		return want, errors.New("status 404")
	}
	c, _ := connect(t, f)
	t.Run("known", func(t *testing.T) {
		res, err := c.HookTest(t.Context(), "crm", call.IncomingRing)
		if err == nil || err.Error() != "status 404" {
			t.Errorf("error %v", err)
		}
		equal(t, "result", res, want)
	})
	t.Run("unknown id", func(t *testing.T) {
		res, err := c.HookTest(t.Context(), "nope", call.IncomingRing)
		if want := `hook "nope" is not in the config`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
		equal(t, "result", res, hooks.Result{})
	})
}

func TestSimulateCall(t *testing.T) {
	want := sip.Simulation{
		Direction: call.In, Local: "100", Remote: "+49301234", Name: hostileName, Queue: "sales",
		AnswerAfter: 1500 * time.Millisecond, HangupAfter: 3 * time.Second, Outcome: call.Busy,
	}
	f := newFake()
	var got sip.Simulation
	f.SimulateCallFn = func(_ context.Context, s sip.Simulation) (string, error) {
		got = s
		return "sim-1@callhook", nil
	}
	c, _ := connect(t, f)
	id, err := c.SimulateCall(t.Context(), want)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "id", id, "sim-1@callhook")
	equal(t, "simulation", got, want)
}

func TestWait(t *testing.T) {
	f := newFake()
	waiting, release := make(chan string, 1), make(chan struct{})
	f.WaitFn = func(ctx context.Context, id string) error {
		waiting <- id
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c, _ := connect(t, f)
	returned := make(chan error, 1)
	go func() { returned <- c.Wait(t.Context(), "sim-1@callhook") }()
	equal(t, "call id", await(t, waiting, "the service's Wait"), "sim-1@callhook")
	select {
	case err := <-returned:
		t.Fatalf("Wait returned %v before the service's Wait did", err)
	default:
	}
	close(release)
	if err := await(t, returned, "Wait to return"); err != nil {
		t.Fatal(err)
	}
}

func TestWaitCancel(t *testing.T) {
	f := newFake()
	waiting, ended := make(chan struct{}, 1), make(chan error, 1)
	f.WaitFn = func(ctx context.Context, _ string) error {
		waiting <- struct{}{}
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	}
	c, _ := connect(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	returned := make(chan error, 1)
	go func() { returned <- c.Wait(ctx, "sim-1@callhook") }()
	await(t, waiting, "the service's Wait")
	cancel()
	if err := await(t, returned, "Wait to return"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait: %v, want context.Canceled", err)
	}
	// The agent stops waiting too: the client went away.
	await(t, ended, "the service's Wait to see its context end")
}

func TestDialNoAgent(t *testing.T) {
	stale := filepath.Join(t.TempDir(), "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Lstat(stale); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path string }{
		{"missing socket", filepath.Join(t.TempDir(), "control.sock")},
		{"nothing listens", stale},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
			defer cancel()
			c, err := Dial(ctx, tt.path)
			if !errors.Is(err, ErrNoAgent) {
				t.Fatalf("got %v, want ErrNoAgent", err)
			}
			if c != nil {
				t.Error("got a client too")
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("%q does not name the socket", err)
			}
		})
	}
}
