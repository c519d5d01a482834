//go:build unix

package siptest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SippOptions describe one sipp run.
type SippOptions struct {
	// Scenario is a file name under testdata/sipp, or a path.
	Scenario string
	// Port is the local port; 0 picks a free one.
	Port int
	// Remote is the host:port sipp sends to (its positional argument).
	// Empty for a UAS that only answers.
	Remote string
	// Transport is "udp" (default) or "tcp".
	Transport string
	// Service is the Request-URI user ([service]).
	Service string
	// Calls is how many calls before sipp exits (default 1).
	Calls int
	// Keys fill the scenario's custom [keywords] (sipp -key).
	Keys map[string]string
	// Args are extra sipp arguments.
	Args []string
	// Timeout bounds the run; sipp fails when it is reached (default 20s).
	Timeout time.Duration
	// NetNS runs sipp in this network namespace (ip netns exec).
	NetNS string
	// LocalIP is the address sipp binds and puts in its messages
	// (default 127.0.0.1).
	LocalIP string
}

// Sipp is a sipp process started by StartSipp.
type Sipp struct {
	// Port is sipp's local port.
	Port int
	name string
	cmd  *exec.Cmd
	out  *SyncBuffer
	dir  string
	done chan struct{}
	err  error
}

// StartSipp starts sipp in the background. Wait for it with Wait; it is
// killed when the test ends if still running.
func StartSipp(t testing.TB, bin Binaries, o SippOptions) *Sipp {
	t.Helper()
	scen := o.Scenario
	if !filepath.IsAbs(scen) {
		scen = filepath.Join(RepoRoot(t), "testdata", "sipp", scen)
	}
	if o.Port == 0 {
		o.Port = FreePort(t)
	}
	if o.Calls == 0 {
		o.Calls = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 20 * time.Second
	}
	mode := "u1"
	if o.Transport == "tcp" {
		mode = "t1"
	}
	if o.LocalIP == "" {
		o.LocalIP = "127.0.0.1"
	}
	s := &Sipp{Port: o.Port, name: filepath.Base(scen), out: &SyncBuffer{}, dir: t.TempDir(), done: make(chan struct{})}
	// FreePort checks the host, not o.NetNS, but there every port is
	// free; it still keeps the control port (-cp) apart from Port.
	args := []string{"-sf", scen, "-i", o.LocalIP, "-p", strconv.Itoa(o.Port), "-t", mode,
		"-m", strconv.Itoa(o.Calls), "-cp", strconv.Itoa(FreePort(t)),
		"-timeout", fmt.Sprintf("%dms", o.Timeout.Milliseconds()), "-timeout_error",
		"-nostdin", "-trace_err", "-error_file", filepath.Join(s.dir, "errors.log"),
		"-trace_msg", "-message_file", filepath.Join(s.dir, "messages.log")}
	if o.Service != "" {
		args = append(args, "-s", o.Service)
	}
	keys := make([]string, 0, len(o.Keys))
	for k := range o.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-key", k, o.Keys[k])
	}
	args = append(args, o.Args...)
	if o.Remote != "" {
		args = append(args, o.Remote)
	}
	s.cmd = Command(o.NetNS, bin.Sipp, args...)
	s.cmd.Dir = s.dir
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start sipp %s: %v", s.name, err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
		if t.Failed() || testing.Verbose() {
			t.Logf("sipp %s on port %d: %s", s.name, s.Port, s.Report())
		}
	})
	return s
}

// Wait waits for sipp to exit and returns an error naming the scenario
// and exit code unless every call succeeded (exit code 0).
func (s *Sipp) Wait() error {
	<-s.done
	if s.err != nil {
		return fmt.Errorf("sipp %s on port %d: %w\n%s", s.name, s.Port, s.err, s.Report())
	}
	return nil
}

// Report returns sipp's unexpected-message log and the tail of its
// message trace, for failure messages.
func (s *Sipp) Report() string {
	errs, _ := os.ReadFile(filepath.Join(s.dir, "errors.log"))
	msgs, _ := os.ReadFile(filepath.Join(s.dir, "messages.log"))
	return fmt.Sprintf("errors:\n%s\nmessages:\n%s\nstdout:\n%s", head(string(errs), 40), tail(string(msgs), 120), tail(s.out.String(), 20))
}

// Messages returns sipp's message trace so far (sipp may still buffer
// the latest messages while it runs).
func (s *Sipp) Messages() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "messages.log"))
	return string(b)
}

// RunSipp runs sipp to the end and returns Wait's result.
func RunSipp(t testing.TB, bin Binaries, o SippOptions) error {
	t.Helper()
	return StartSipp(t, bin, o).Wait()
}

// head returns the first n lines of s.
func head(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d lines after)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}
