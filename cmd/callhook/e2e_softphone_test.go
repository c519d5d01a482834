//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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

	"github.com/callhook/callhook/internal/siptest"
)

// TestRunProxyModeBaresipBehindNAT: a real softphone, baresip, registers
// through `callhook run` in proxy mode behind the NAT, takes a call from
// a remote party beside the PBX (auto answer) and places one to another;
// every hook arrives once. baresip answers when told to over its
// control port, as a user would click.
func TestRunProxyModeBaresipBehindNAT(t *testing.T) {
	t.Parallel()
	bs := requireBaresip(t)
	p := &natProxy{listen: siptest.Addr(siptest.FreePort(t))}
	p.natAgent = startNATAgent(t, siptest.BedOptions{}, func(b *siptest.Bed, url string) string {
		return fmt.Sprintf(natProxyConfig, p.listen, b.PBXAddr, "udp", url)
	})
	p.run("state=listening")
	phone := startBaresip(t, bs, p.bed.AgentNS, p.listen)
	// baresip registers as it starts, maybe before the control
	// connection is up to see REGISTER_OK: Callhook's log tells.
	p.srv.waitLog("state=registered", 10*time.Second)
	p.checkPublic()

	t.Log("incoming call, answered by baresip, ended by the remote party")
	before := len(p.rc.requests())
	caller := p.bed.StartRemote(t, siptest.SippOptions{
		Scenario: "uac.xml", Remote: p.bed.PBXAddr, Service: "1001",
		Keys: map[string]string{"caller": "3001", "caller_name": "Remote Party"},
	})
	phone.waitEvent("CALL_INCOMING", 10*time.Second)
	phone.command("accept", "")
	phone.waitEvent("CALL_ESTABLISHED", 10*time.Second)
	if err := caller.Wait(); err != nil {
		t.Fatalf("remote caller: %v\nbaresip:\n%s\ncallhook:\n%s", err, phone.output(), p.srv.logs())
	}
	phone.waitEvent("CALL_CLOSED", 10*time.Second)
	p.rc.callHooks(t, before, incomingHooks, map[string]string{
		"caller": "3001", "callee": "1001", "name": "Remote Party", "outcome": "answered"})

	t.Log("outgoing call from baresip, ended by baresip")
	before = len(p.rc.requests())
	port := siptest.FreePort(t)
	if err := p.bed.StartRemote(t, siptest.SippOptions{
		Scenario: "register.xml", Port: port, Remote: p.bed.PBXAddr, Service: "2001"}).Wait(); err != nil {
		t.Fatalf("register 2001 at the pbx: %v", err)
	}
	remote := p.bed.StartRemote(t, siptest.SippOptions{Scenario: "uas.xml", Port: port})
	phone.command("dial", "sip:2001@callhook.test")
	phone.waitEvent("CALL_ESTABLISHED", 10*time.Second)
	time.Sleep(time.Second)
	phone.command("hangup", "")
	phone.waitEvent("CALL_CLOSED", 10*time.Second)
	if err := remote.Wait(); err != nil {
		t.Fatalf("remote callee: %v\nbaresip:\n%s", err, phone.output())
	}
	p.rc.callHooks(t, before, outgoingHooks, map[string]string{
		"caller": "1001", "callee": "2001", "outcome": "answered"})
	if t.Failed() {
		t.Logf("baresip:\n%s\ncallhook:\n%s", phone.output(), p.srv.logs())
	}
	p.srv.stop()
}

// requireBaresip finds baresip and its modules, or ends the test as
// siptest.RequireReal does.
func requireBaresip(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("baresip")
	if err == nil {
		_, err = os.Stat(filepath.Join(baresipModules, "ctrl_tcp.so"))
	}
	msg := ""
	if err != nil {
		msg = "softphone test needs baresip with its modules in " + baresipModules + ": " + err.Error()
	}
	siptest.RequireReal(t, msg)
	return bin
}

// baresipModules is where Debian's baresip keeps its modules; the config
// in testdata/baresip names it.
const baresipModules = "/usr/lib/baresip/modules"

// baresip is a running baresip driven over ctrl_tcp.
type baresip struct {
	t      *testing.T
	conn   net.Conn
	events chan map[string]any
	out    *siptest.SyncBuffer
	mu     sync.Mutex
	seen   []string // event types so far, for failure messages
}

// startBaresip runs baresip in namespace ns with the config from
// testdata/baresip, registering 1001 through outbound (Callhook's
// listen address), and connects to its control port. It is killed when
// the test ends.
func startBaresip(t *testing.T, bin, ns, outbound string) *baresip {
	t.Helper()
	dir := t.TempDir()
	ctrl := siptest.Addr(siptest.FreePort(t))
	vars := map[string]string{"SIPListen": siptest.Addr(siptest.FreePort(t)), "CtrlListen": ctrl, "Outbound": outbound}
	for _, name := range []string{"config", "accounts"} {
		tmpl, err := template.ParseFiles(filepath.Join(siptest.RepoRoot(t), "testdata", "baresip", name))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, vars); err != nil {
			t.Fatalf("render baresip %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "contacts"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bs := &baresip{t: t, events: make(chan map[string]any, 64), out: &siptest.SyncBuffer{}}
	// stdbuf: baresip's stdout is block buffered, and a failing test
	// wants to show it.
	cmd := siptest.Command(ns, "stdbuf", "-oL", "-eL", bin, "-v", "-f", dir)
	cmd.Stdout, cmd.Stderr = bs.out, bs.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start baresip: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		if bs.conn != nil {
			bs.conn.Close()
		}
		// SIGTERM first: baresip flushes its buffered output as it exits.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("baresip output:\n%s", bs.output())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := siptest.InNS(ns, func() (err error) {
			bs.conn, err = net.DialTimeout("tcp", ctrl, time.Second)
			return err
		})
		if err == nil {
			break
		}
		select {
		case <-done:
			t.Fatalf("baresip exited:\n%s", bs.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("baresip control port %s: %v\n%s", ctrl, err, bs.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	go bs.read()
	return bs
}

// read turns the netstrings from ctrl_tcp into events until the
// connection closes; command responses are dropped.
func (b *baresip) read() {
	defer close(b.events)
	r := bufio.NewReader(b.conn)
	for {
		msg, err := readNetstring(r)
		if err != nil {
			return
		}
		var m map[string]any
		if json.Unmarshal(msg, &m) != nil || m["event"] != true {
			continue
		}
		b.events <- m
	}
}

// readNetstring reads one "len:data," from r.
func readNetstring(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString(':')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(head, ":")))
	if err != nil || n < 0 || n > 1<<20 {
		return nil, fmt.Errorf("read netstring: bad length %q", head)
	}
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// command sends a ctrl_tcp command ("dial", "hangup") with params.
func (b *baresip) command(name, params string) {
	b.t.Helper()
	msg, _ := json.Marshal(map[string]string{"command": name, "params": params, "token": name})
	b.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(b.conn, "%d:%s,", len(msg), msg); err != nil {
		b.t.Fatalf("baresip %s: %v", name, err)
	}
}

// waitEvent waits for an event of type typ, skipping others.
func (b *baresip) waitEvent(typ string, within time.Duration) map[string]any {
	b.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-b.events:
			if !ok {
				b.t.Fatalf("baresip control connection closed waiting for %s\n%s", typ, b.output())
			}
			b.mu.Lock()
			b.seen = append(b.seen, fmt.Sprint(ev["type"]))
			b.mu.Unlock()
			if ev["type"] == typ {
				return ev
			}
		case <-deadline:
			b.mu.Lock()
			seen := strings.Join(b.seen, " ")
			b.mu.Unlock()
			b.t.Fatalf("baresip: no %s within %v (events: %s)\n%s", typ, within, seen, b.output())
		}
	}
}

func (b *baresip) output() string { return b.out.String() }
