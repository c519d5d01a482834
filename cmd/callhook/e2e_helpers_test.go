package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// binPath is the callhook binary built once by TestMain for the
// end-to-end tests; empty under -short, which builds none.
var binPath string

// TestMain builds the binary unless -short: the cgo build of the GUI
// toolkit takes longer than all the unit tests, and under -short the tests
// that would run it skip (newEnv).
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "callhook-e2e")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "callhook")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build callhook: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// received is one request as the receiver saw it.
type received struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	At     time.Time
}

// receiver is a loopback webhook receiver that records every request and
// answers with the status its respond function picks.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, r received) (status int, header http.Header)
	arrived chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	return newReceiverOn(t, nil)
}

// newReceiverOn is newReceiver serving on ln, a listener opened in
// another network namespace, say; nil picks a free loopback port.
func newReceiverOn(t *testing.T, ln net.Listener) *receiver {
	t.Helper()
	rc := &receiver{arrived: make(chan struct{}, 1024)}
	rc.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := received{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, At: time.Now()}
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, rec)
		respond := rc.respond
		rc.mu.Unlock()
		status := http.StatusOK
		if respond != nil {
			var h http.Header
			status, h = respond(n, rec)
			for k, v := range h {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"ok":true}`)
		rc.arrived <- struct{}{}
	}))
	if ln != nil {
		rc.Server.Listener.Close()
		rc.Server.Listener = ln
	}
	rc.Server.Start()
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// count is how many requests the receiver has had.
func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

func (rc *receiver) setRespond(f func(n int, r received) (int, http.Header)) {
	rc.mu.Lock()
	rc.respond = f
	rc.mu.Unlock()
}

// waitFor waits until the receiver has at least n requests.
func (rc *receiver) waitFor(t *testing.T, n int, within time.Duration) []received {
	t.Helper()
	deadline := time.After(within)
	for {
		if got := rc.requests(); len(got) >= n {
			return got
		}
		select {
		case <-rc.arrived:
		case <-deadline:
			t.Fatalf("receiver got %d requests, want %d within %v", len(rc.requests()), n, within)
		}
	}
}

// callHooks waits for the len(triggers) hooks of one call after the
// first before requests, and for siptest.Quiet more for a duplicate to
// show, and checks that each trigger came once, in order, for one call
// id, with the body fields in want ("outcome" only where a call ends).
// It returns the decoded bodies.
func (rc *receiver) callHooks(t *testing.T, before int, triggers []string, want map[string]string) []map[string]any {
	t.Helper()
	siptest.Exactly(t, "webhooks", before+len(triggers), 15*time.Second, rc.count)
	var got []string
	var evs []map[string]any
	ids := map[any]bool{}
	for _, req := range rc.requests()[before:] {
		ev := decodeJSON(t, req.Body)
		evs = append(evs, ev)
		tr := fmt.Sprint(ev["trigger"])
		got = append(got, tr)
		ids[ev["call_id"]] = true
		for k, v := range want {
			if k == "outcome" && !strings.HasSuffix(tr, ".hangup") && !strings.HasSuffix(tr, ".missed") {
				continue
			}
			if fmt.Sprint(ev[k]) != v {
				t.Errorf("%s: %s is %v, want %s", ev["trigger"], k, ev[k], v)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(triggers, " ") {
		t.Errorf("receiver got %v, want %v once each, in order", got, triggers)
	}
	if len(ids) != 1 {
		t.Errorf("%d call ids, want 1", len(ids))
	}
	return evs
}

// env is a temp config + data dir for one test.
type env struct {
	t      *testing.T
	config string
	data   string
	vars   []string
	// netns runs callhook in this network namespace (ip netns exec,
	// which execs callhook: signals reach it).
	netns string
}

// newEnv skips under -short, where there is no binary to run.
func newEnv(t *testing.T, cfg string) *env {
	t.Helper()
	siptest.RequireReal(t, "")
	dir := t.TempDir()
	e := &env{t: t, config: filepath.Join(dir, "config.json"), data: filepath.Join(dir, "data")}
	if cfg != "" {
		if err := os.WriteFile(e.config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// command returns the callhook binary with args, --config and --data set.
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--config", e.config, "--data", e.data}, args...)
	cmd := exec.CommandContext(ctx, binPath, full...)
	if e.netns != "" {
		cmd = exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", e.netns, binPath}, full...)...)
	}
	cmd.Env = append(os.Environ(), e.vars...)
	return cmd
}

// result is a finished command.
type result struct {
	code           int
	stdout, stderr string
}

func (e *env) run(stdin string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			e.t.Fatalf("run callhook %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// mustRun runs callhook and fails the test unless it exits 0.
func (e *env) mustRun(stdin string, args ...string) result {
	e.t.Helper()
	r := e.run(stdin, args...)
	if r.code != 0 {
		e.t.Fatalf("callhook %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// decodeJSON decodes a request body, failing the test on invalid JSON.
func decodeJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not valid JSON: %v\n%s", err, body)
	}
	return m
}

// service is a `callhook run` started by startRun, its log collected.
type service struct {
	t   *testing.T
	cmd *exec.Cmd
	mu  sync.Mutex
	log []string
}

// startRun starts `callhook run` on e's config and data.
func (e *env) startRun(ctx context.Context) *service {
	e.t.Helper()
	s := &service{t: e.t, cmd: e.command(ctx, "run")}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.log = append(s.log, sc.Text())
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *service) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// waitLog waits until a log line contains substr.
func (s *service) waitLog(substr string, within time.Duration) {
	s.t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(s.logs(), substr) {
			return
		}
	}
	s.t.Fatalf("callhook run did not log %q within %v:\n%s", substr, within, s.logs())
}

// stop sends SIGTERM and fails the test unless callhook exits 0.
func (s *service) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("callhook run after SIGTERM: %v\n%s", err, s.logs())
	}
}
