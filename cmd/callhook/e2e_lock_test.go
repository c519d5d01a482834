package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const noSourceConfig = `{"version": 1, "enabled": true, "user": "agent", "source": {"mode": "none"}, "hooks": []}`

// proc is a callhook process whose stderr is collected and whose exit is
// awaited in the background.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
	code int
}

func (e *env) launch(ctx context.Context, args ...string) *proc {
	e.t.Helper()
	p := &proc{cmd: e.command(ctx, args...), done: make(chan struct{})}
	p.cmd.Stdout = stdoutTo{p}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	e.t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// stdoutTo adds what p prints on stdout to its log.
type stdoutTo struct{ p *proc }

func (w stdoutTo) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.log.Write(b)
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitLog waits until p logged substr, failing if it exits first.
func (p *proc) waitLog(t *testing.T, substr string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(p.logs(), substr) {
			return
		}
		if p.exited() && !strings.Contains(p.logs(), substr) {
			t.Fatalf("callhook exited %d before logging %q:\n%s", p.code, substr, p.logs())
		}
	}
	t.Fatalf("callhook did not log %q within %v:\n%s", substr, within, p.logs())
}

// stop sends SIGTERM and fails the test unless p exits 0.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("callhook still running 30s after SIGTERM:\n%s", p.logs())
	}
	if p.code != 0 {
		t.Fatalf("callhook exited %d after SIGTERM:\n%s", p.code, p.logs())
	}
}

// A second run on a data directory in use exits 1 naming the holder.
func TestRunSecondOnSameDataExits(t *testing.T) {
	e := newEnv(t, noSourceConfig)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first := e.launch(ctx, "run")
	first.waitLog(t, "callhook running", 15*time.Second)

	r := e.run("", "run")
	if r.code != 1 {
		t.Errorf("second run: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if want := fmt.Sprintf("pid %d", first.cmd.Process.Pid); !strings.Contains(r.stderr, want) {
		t.Errorf("second run's message does not name %q:\n%s", want, r.stderr)
	}
	if first.exited() {
		t.Fatalf("first run exited %d:\n%s", first.code, first.logs())
	}
	first.stop(t)

	// The directory is free again once the holder is gone.
	again := e.launch(ctx, "run")
	again.waitLog(t, "callhook running", 15*time.Second)
	again.stop(t)
}

// oneKeepsRunning starts two at the same instant with args and checks that
// exactly one exits 1, naming the other's pid, and that the other runs
// on (has logged ready) until SIGTERM.
func oneKeepsRunning(t *testing.T, e *env, ready string, args ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	loser, winner := launchTwo(t, e, ctx, args...)
	if loser.code != 1 {
		t.Errorf("the second exited %d, want 1:\n%s", loser.code, loser.logs())
	}
	if want := fmt.Sprintf("pid %d", winner.cmd.Process.Pid); !strings.Contains(loser.logs(), want) {
		t.Errorf("the second's message does not name %q:\n%s", want, loser.logs())
	}
	winner.waitLog(t, ready, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	if winner.exited() {
		t.Fatalf("the first exited %d too:\n%s", winner.code, winner.logs())
	}
	winner.stop(t)
}

// launchTwo starts two callhooks with args at the same instant and
// returns the one that exited first and the other.
func launchTwo(t *testing.T, e *env, ctx context.Context, args ...string) (loser, winner *proc) {
	t.Helper()
	a, b := e.launch(ctx, args...), e.launch(ctx, args...)
	select {
	case <-a.done:
		return a, b
	case <-b.done:
		return b, a
	case <-time.After(60 * time.Second):
		t.Fatalf("both still running after 60s:\n%s\n---\n%s", a.logs(), b.logs())
	}
	return nil, nil
}

func TestRunTwoAtOnceOneKeepsRunning(t *testing.T) {
	oneKeepsRunning(t, newEnv(t, noSourceConfig), "callhook running", "run")
}

// startXvfb starts an X server on a free display and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90 + os.Getpid()%50; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { x.Wait(); close(exited) }()
		t.Cleanup(func() {
			// SIGTERM lets Xvfb remove its socket and lock file; after a
			// SIGKILL they stay and use up the displays this scans.
			x.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				x.Process.Kill()
				<-exited
			}
			os.Remove(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
			os.Remove(fmt.Sprintf("/tmp/.X%d-lock", n))
		})
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			select {
			case <-exited:
				t.Fatalf("Xvfb %s exited", display)
			default:
			}
		}
		t.Fatalf("Xvfb %s did not start", display)
	}
	t.Fatal("no free X display")
	return ""
}
