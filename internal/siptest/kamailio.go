//go:build unix

package siptest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Kamailio is a running Kamailio started by StartKamailio.
type Kamailio struct {
	// Port is where it listens on UDP and TCP, on IP.
	Port int
	// IP is its listen address: 127.0.0.1 unless KamailioOptions.IP.
	IP string
	// NetNS is the network namespace it runs in; empty for the host.
	NetNS string
	t     testing.TB
	bin   Binaries
	dir   string
	cfg   string // the rendered config file
	out   *SyncBuffer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// KamailioOptions adapt StartKamailio to a config that needs more.
type KamailioOptions struct {
	// Vars are template fields besides .Port and .ModulesDir.
	Vars map[string]any
	// Setup prepares Kamailio's run directory (db_text tables, say)
	// before the config is rendered; what it returns is added to Vars.
	Setup func(t testing.TB, dir string) map[string]any
	// NetNS runs Kamailio in this network namespace (ip netns exec).
	NetNS string
	// IP is the listen address, the template's .IP (default 127.0.0.1).
	IP string
	// Port is the listen port; 0 picks a free loopback port on the host,
	// 5060 in a namespace, where every port is free.
	Port int
}

// Addr returns Kamailio's IP:port.
func (k *Kamailio) Addr() string { return net.JoinHostPort(k.IP, strconv.Itoa(k.Port)) }

// Output returns what Kamailio logged so far.
func (k *Kamailio) Output() string { return k.out.String() }

// StartKamailio renders the config template at cfgPath (fields .Port, .IP
// and .ModulesDir), starts Kamailio with it on a free port and waits until it
// answers an OPTIONS. It is stopped, with its whole process group, when
// the test ends; its log goes to t.Log if the test failed or runs -v.
func StartKamailio(t testing.TB, bin Binaries, cfgPath string) *Kamailio {
	t.Helper()
	return StartKamailioWith(t, bin, cfgPath, KamailioOptions{})
}

// StartKamailioWith is StartKamailio with options.
func StartKamailioWith(t testing.TB, bin Binaries, cfgPath string, o KamailioOptions) *Kamailio {
	t.Helper()
	tmpl, err := template.ParseFiles(cfgPath)
	if err != nil {
		t.Fatalf("parse kamailio config template: %v", err)
	}
	dir := t.TempDir()
	k := &Kamailio{Port: o.Port, IP: o.IP, NetNS: o.NetNS, t: t, bin: bin, dir: dir, out: &SyncBuffer{}}
	if k.IP == "" {
		k.IP = "127.0.0.1"
	}
	switch {
	case k.Port != 0:
	case k.NetNS != "":
		k.Port = 5060
	default:
		k.Port = FreePort(t)
	}
	vars := map[string]any{"Port": k.Port, "IP": k.IP, "ModulesDir": bin.ModulesDir}
	for name, v := range o.Vars {
		vars[name] = v
	}
	if o.Setup != nil {
		for name, v := range o.Setup(t, dir) {
			vars[name] = v
		}
	}
	var cfg bytes.Buffer
	if err := tmpl.Execute(&cfg, vars); err != nil {
		t.Fatalf("render kamailio config: %v", err)
	}
	k.cfg = filepath.Join(dir, "kamailio.cfg")
	if err := os.WriteFile(k.cfg, cfg.Bytes(), 0o600); err != nil {
		t.Fatalf("write kamailio config: %v", err)
	}
	t.Cleanup(func() {
		k.stop()
		if t.Failed() || testing.Verbose() {
			t.Logf("kamailio output:\n%s", tail(k.out.String(), 200))
		}
	})
	k.Restart()
	return k
}

// Restart starts Kamailio again on the same port with the same config
// after Kill, as a PBX comes back after a crash. It waits until Kamailio
// answers.
func (k *Kamailio) Restart() {
	k.t.Helper()
	// -DD keeps the main process in the foreground (with its children),
	// -E logs to stderr, -Y and -P keep runtime files in the temp dir.
	cmd := Command(k.NetNS, k.bin.Kamailio, "-f", k.cfg, "-DD", "-E", "-m", "32", "-M", "8",
		"-Y", k.dir, "-P", filepath.Join(k.dir, "kamailio.pid"), "-w", k.dir)
	cmd.Stdout, cmd.Stderr = k.out, k.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		k.t.Fatalf("start kamailio: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	k.mu.Lock()
	k.cmd, k.done = cmd, done
	k.mu.Unlock()
	if err := k.waitReady(15 * time.Second); err != nil {
		k.t.Fatalf("kamailio on %s not ready: %v\n%s", k.Addr(), err, tail(k.out.String(), 60))
	}
}

// Kill ends Kamailio the hard way, as a crash would: no NOTIFY or BYE
// tells anyone their subscriptions or calls are gone.
func (k *Kamailio) Kill() {
	if pgid, done := k.take(); done != nil {
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
}

func (k *Kamailio) stop() {
	pgid, done := k.take()
	if done == nil {
		return
	}
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	// Children that outlived the main process share its group.
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// take hands over the running process's group id and exit channel; a nil
// channel means none runs.
func (k *Kamailio) take() (pgid int, done chan struct{}) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cmd == nil {
		return 0, nil
	}
	pgid, done = k.cmd.Process.Pid, k.done
	k.cmd = nil
	return pgid, done
}

// waitReady sends OPTIONS over UDP until Kamailio answers. The probe
// socket is opened in Kamailio's namespace, the one place sure to reach it.
func (k *Kamailio) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var conn net.PacketConn
	err := InNS(k.NetNS, func() (err error) {
		conn, err = net.ListenPacket("udp", net.JoinHostPort(k.IP, "0"))
		return err
	})
	if err != nil {
		return fmt.Errorf("open probe socket: %w", err)
	}
	defer conn.Close()
	dst, _ := net.ResolveUDPAddr("udp", k.Addr())
	local := conn.LocalAddr().String()
	buf := make([]byte, 4096)
	for i := 0; time.Now().Before(deadline); i++ {
		k.mu.Lock()
		done := k.done
		k.mu.Unlock()
		select {
		case <-done:
			return errors.New("kamailio exited")
		default:
		}
		msg := fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-ready-%d;rport\r\n"+
			"Max-Forwards: 70\r\nFrom: <sip:probe@%s>;tag=probe\r\nTo: <sip:%s>\r\n"+
			"Call-ID: ready-%d@%s\r\nCSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n",
			k.Addr(), local, i, k.IP, k.Addr(), i, local, i+1)
		conn.WriteTo([]byte(msg), dst)
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, _, err := conn.ReadFrom(buf)
		if err == nil && strings.HasPrefix(string(buf[:n]), "SIP/2.0 ") {
			return nil
		}
	}
	return errors.New("no answer to OPTIONS")
}

// SyncBuffer is a bytes.Buffer safe for a process writing while the test
// reads.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
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
