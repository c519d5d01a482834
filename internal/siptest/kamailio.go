package siptest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Kamailio is a running Kamailio started by StartKamailio.
type Kamailio struct {
	// Port is where it listens on UDP and TCP, on 127.0.0.1.
	Port int
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// Addr returns Kamailio's 127.0.0.1:port.
func (k *Kamailio) Addr() string { return Addr(k.Port) }

// Output returns what Kamailio logged so far.
func (k *Kamailio) Output() string { return k.out.String() }

// StartKamailio renders the config template at cfgPath (fields .Port and
// .ModulesDir), starts Kamailio with it on a free port and waits until it
// answers an OPTIONS. It is stopped, with its whole process group, when
// the test ends; its log goes to t.Log if the test failed or runs -v.
func StartKamailio(t testing.TB, bin Binaries, cfgPath string) *Kamailio {
	t.Helper()
	tmpl, err := template.ParseFiles(cfgPath)
	if err != nil {
		t.Fatalf("parse kamailio config template: %v", err)
	}
	dir := t.TempDir()
	k := &Kamailio{Port: FreePort(t), out: &syncBuffer{}, done: make(chan struct{})}
	var cfg bytes.Buffer
	if err := tmpl.Execute(&cfg, map[string]any{"Port": k.Port, "ModulesDir": bin.ModulesDir}); err != nil {
		t.Fatalf("render kamailio config: %v", err)
	}
	cfgFile := filepath.Join(dir, "kamailio.cfg")
	if err := os.WriteFile(cfgFile, cfg.Bytes(), 0o600); err != nil {
		t.Fatalf("write kamailio config: %v", err)
	}
	// -DD keeps the main process in the foreground (with its children),
	// -E logs to stderr, -Y and -P keep runtime files in the temp dir.
	k.cmd = exec.Command(bin.Kamailio, "-f", cfgFile, "-DD", "-E", "-m", "32", "-M", "8",
		"-Y", dir, "-P", filepath.Join(dir, "kamailio.pid"), "-w", dir)
	k.cmd.Stdout, k.cmd.Stderr = k.out, k.out
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := k.cmd.Start(); err != nil {
		t.Fatalf("start kamailio: %v", err)
	}
	go func() { k.cmd.Wait(); close(k.done) }()
	t.Cleanup(func() {
		k.stop()
		if t.Failed() || testing.Verbose() {
			t.Logf("kamailio output:\n%s", tail(k.out.String(), 200))
		}
	})
	if err := k.waitReady(15 * time.Second); err != nil {
		t.Fatalf("kamailio on port %d not ready: %v\n%s", k.Port, err, tail(k.out.String(), 60))
	}
	return k
}

func (k *Kamailio) stop() {
	pgid := k.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-k.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-k.done
	}
	// Children that outlived the main process share its group.
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// waitReady sends OPTIONS over UDP until Kamailio answers.
func (k *Kamailio) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer conn.Close()
	dst, _ := net.ResolveUDPAddr("udp", k.Addr())
	local := conn.LocalAddr().String()
	buf := make([]byte, 4096)
	for i := 0; time.Now().Before(deadline); i++ {
		select {
		case <-k.done:
			return errors.New("kamailio exited")
		default:
		}
		msg := fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-ready-%d;rport\r\n"+
			"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:%s>\r\n"+
			"Call-ID: ready-%d@%s\r\nCSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n",
			k.Addr(), local, i, k.Addr(), i, local, i+1)
		conn.WriteTo([]byte(msg), dst)
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, _, err := conn.ReadFrom(buf)
		if err == nil && strings.HasPrefix(string(buf[:n]), "SIP/2.0 ") {
			return nil
		}
	}
	return errors.New("no answer to OPTIONS")
}

// syncBuffer is a bytes.Buffer safe for a process writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
