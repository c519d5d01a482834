package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/internal/siptest"
	"github.com/callhook/callhook/internal/traytest"
)

// The agent's tests run the real binary under Xvfb, each on a session bus
// of its own with a StatusNotifierWatcher of ours on it (traytest), so
// the tray registers as on a desktop and tests running side by side do
// not see each other's tray items.

// desktop prepares e to run the agent: an X server, a private HOME and
// runtime directory, and, with tray, the test's StatusNotifierWatcher.
// It returns the X display.
func (e *env) desktop(tray bool) (display string, w *traytest.Watcher) {
	t := e.t
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		siptest.RequireReal(t, "Xvfb (apt install xvfb)")
		t.Skip("no Xvfb")
	}
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		siptest.RequireReal(t, "dbus-daemon (apt install dbus)")
		t.Skip("no dbus-daemon")
	}
	display = startXvfb(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bus, err := traytest.StartBus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	home := t.TempDir()
	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	e.vars = append(e.vars, "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_RUNTIME_DIR="+run, "DBUS_SESSION_BUS_ADDRESS="+bus.Address)
	if !tray {
		e.vars = append(e.vars, guiTrayEnv+"=0")
		return display, nil
	}
	w, err = traytest.StartWatcher(traytest.WithBusAddress(bus.Address))
	if err != nil {
		t.Fatalf("StatusNotifierWatcher: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return display, w
}

// status asks the running agent through `callhook status --json`.
func (e *env) status() control.Status {
	e.t.Helper()
	r := e.mustRun("", "status", "--json")
	var st control.Status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		e.t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	return st
}

// windowProcs returns the pids of ppid's `callhook ... window` children.
func windowProcs(ppid int) []int {
	var pids []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces; parse after ')'.
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 || f[1] != strconv.Itoa(ppid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if len(args) > 0 && args[len(args)-1] == "window" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitWindowProc waits for exactly one window process of the agent.
func waitWindowProc(t *testing.T, agent *proc) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ps := windowProcs(agent.cmd.Process.Pid); len(ps) == 1 {
			return ps[0]
		} else if len(ps) > 1 {
			t.Fatalf("%d window processes, want 1: %v", len(ps), ps)
		}
		if agent.exited() {
			t.Fatalf("the agent exited %d:\n%s", agent.code, agent.logs())
		}
	}
	t.Fatalf("no window process within 30s:\n%s", agent.logs())
	return 0
}

// waitGone waits until process pid has ended (it is not our child: its
// exit status is in the agent's log).
func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			return
		}
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && strings.Contains(string(st), ") Z ") {
			return // a zombie: ended, not yet reaped
		}
	}
	t.Fatalf("process %d still running after %v", pid, within)
}

// xWindow waits for the visible X window of process pid and returns its
// id: GLFW sets _NET_WM_PID, so xdotool finds it.
func xWindow(t *testing.T, display string, pid int) string {
	t.Helper()
	var out []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(pid), "--name", "Callhook")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ = cmd.Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids[0]
		}
	}
	t.Fatalf("no visible Callhook window of pid %d within 30s", pid)
	return ""
}

// closeWindow closes the window as a user does from the keyboard: Ctrl+W
// (there is no window manager to click the close button of).
func closeWindow(t *testing.T, display string, pid int) {
	t.Helper()
	wid := xWindow(t, display, pid)
	for _, args := range [][]string{
		{"windowfocus", "--sync", wid},
		{"key", "--clearmodifiers", "ctrl+w"},
	} {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
}

func agentConfig(url string) string {
	return fmt.Sprintf(`{"version": 1, "enabled": true, "user": "agent", "source": {"mode": "none"},
  "ui": {"start_minimised": true},
  "hooks": [{"id": "log", "enabled": true, "triggers": ["incoming.missed"], "action": "post", "url": %q,
    "content_type": "application/json", "body": "{\"caller\":\"{caller}\",\"call_id\":\"{call_id}\"}", "retries": 8}]}`, url)
}

// The agent starts with its tray icon and no window; Show starts the
// window process; closing the window ends that process and the agent
// delivers on; the tray's switch and Quit work.
func TestAgentTrayAndWindow(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, agentConfig(rc.URL+"/missed"))
	display, w := e.desktop(true)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	ag := e.launch(ctx)
	ag.waitLog(t, "callhook agent running", 30*time.Second)
	pid := ag.cmd.Process.Pid
	item, err := w.WaitItem(ctx, pid)
	if err != nil {
		t.Fatalf("tray item of pid %d: %v\n%s", pid, err, ag.logs())
	}
	menu, err := w.Menu(ctx, item)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, m := range menu {
		if m.Type != "separator" && m.Visible {
			labels = append(labels, fmt.Sprintf("%s:%v", m.Label, m.Checked))
		}
	}
	if got, want := strings.Join(labels, " "), "Show:false Hooks on:true Quit:false"; got != want {
		t.Errorf("tray menu = %q, want %q", got, want)
	}
	st := e.status()
	if st.Kind != "agent" || st.PID != pid || !st.Tray || st.Window {
		t.Errorf("status at start = kind %q pid %d tray %v window %v, want agent %d, tray, no window", st.Kind, st.PID, st.Tray, st.Window, pid)
	}
	if ps := windowProcs(pid); len(ps) != 0 {
		t.Errorf("started minimised but window processes %v run", ps)
	}

	t.Log("Show starts the window process")
	if err := w.Click(ctx, item, "Show"); err != nil {
		t.Fatal(err)
	}
	win := waitWindowProc(t, ag)
	xWindow(t, display, win)
	if !e.status().Window {
		t.Error("status says no window while it is open")
	}
	// Show again while open: the same window comes to the front.
	if err := w.Click(ctx, item, "Show"); err != nil {
		t.Fatal(err)
	}
	if !siptest.Steady(func() bool { ps := windowProcs(pid); return len(ps) == 1 && ps[0] == win }) {
		t.Errorf("a second Show started another window: %v", windowProcs(pid))
	}

	t.Log("closing the window ends its process; the agent runs on")
	closeWindow(t, display, win)
	waitGone(t, win, 15*time.Second)
	ag.waitLog(t, "window closed", 10*time.Second)
	if !strings.Contains(ag.logs(), "exit status 0") {
		t.Errorf("the window did not exit 0:\n%s", ag.logs())
	}
	if ag.exited() {
		t.Fatalf("closing the window ended the agent (exit %d):\n%s", ag.code, ag.logs())
	}
	siptest.Settle(t, "status without a window", 1, 10*time.Second, func() int {
		if e.status().Window {
			return 0
		}
		return 1
	})

	t.Log("with the window closed, a call's hook is delivered by the agent")
	r := e.mustRun("", "simulate", "--direction", "in", "--remote", "+4930123", "--hangup-after", "10ms", "--wait", "30s")
	if want := fmt.Sprintf("running callhook agent (pid %d)", pid); !strings.Contains(r.stdout, want) {
		t.Errorf("simulate did not go through the agent (%q):\n%s", want, r.stdout)
	}
	got := rc.waitFor(t, 1, 30*time.Second)
	if body := decodeJSON(t, got[0].Body); body["caller"] != "+4930123" {
		t.Errorf("delivered body = %v", body)
	}

	t.Log("hooks test goes through the agent too")
	before := rc.count()
	r = e.mustRun("", "hooks", "test", "log")
	if !strings.Contains(r.stdout, "status:   200") || !strings.Contains(r.stdout, fmt.Sprintf("running callhook agent (pid %d)", pid)) {
		t.Errorf("hooks test through the agent:\n%s\n%s", r.stdout, r.stderr)
	}
	rc.waitFor(t, before+1, 30*time.Second)

	t.Log("the tray's switch turns every hook off, in the config file too")
	_, _, iconOn, err := w.Icon(ctx, item)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Click(ctx, item, "Hooks on"); err != nil {
		t.Fatal(err)
	}
	siptest.Settle(t, "config with enabled false", 1, 10*time.Second, func() int {
		b, _ := os.ReadFile(e.config)
		var c struct{ Enabled bool }
		if json.Unmarshal(b, &c) == nil && !c.Enabled {
			return 1
		}
		return 0
	})
	if menu, err := w.Menu(ctx, item); err == nil {
		for _, m := range menu {
			if m.Label == "Hooks on" && m.Checked {
				t.Error("the switch still shows a tick")
			}
		}
	}
	_, _, iconOff, err := w.Icon(ctx, item)
	if err != nil {
		t.Fatal(err)
	}
	if string(iconOn) == string(iconOff) {
		t.Error("the tray icon did not change when hooks were switched off")
	}

	t.Log("Quit ends the agent")
	if err := w.Click(ctx, item, "Quit"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ag.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the agent still runs 30s after Quit:\n%s", ag.logs())
	}
	if ag.code != 0 {
		t.Errorf("the agent exited %d after Quit:\n%s", ag.code, ag.logs())
	}
	if err := w.WaitGone(ctx, pid); err != nil {
		t.Error(err)
	}
}

// A second `callhook` shows the first one's window and exits 0; a second
// `run` exits 1 naming the agent's pid; stopping the agent ends its window.
func TestAgentSecondLaunchShowsWindow(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, agentConfig(rc.URL))
	display, w := e.desktop(true)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ag := e.launch(ctx)
	ag.waitLog(t, "callhook agent running", 30*time.Second)
	pid := ag.cmd.Process.Pid
	if _, err := w.WaitItem(ctx, pid); err != nil {
		t.Fatal(err)
	}
	if ps := windowProcs(pid); len(ps) != 0 {
		t.Fatalf("started minimised but window processes %v run", ps)
	}

	r := e.run("")
	if r.code != 0 {
		t.Fatalf("second callhook: exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if want := fmt.Sprintf("already running (pid %d)", pid); !strings.Contains(r.stdout, want) {
		t.Errorf("second callhook says %q, want %q", r.stdout, want)
	}
	win := waitWindowProc(t, ag)
	xWindow(t, display, win)

	r = e.run("", "run")
	if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", pid)) {
		t.Errorf("second run: exit %d, want 1 naming pid %d:\n%s", r.code, pid, r.stderr)
	}
	text := e.mustRun("", "status").stdout
	for _, want := range []string{fmt.Sprintf("callhook agent, pid %d", pid), "window:   open", "tray:     shown", "pending:  0"} {
		if !strings.Contains(text, want) {
			t.Errorf("status does not say %q:\n%s", want, text)
		}
	}
	ag.stop(t)
	waitGone(t, win, 15*time.Second)
}

// Two launches of the agent at the same instant leave exactly one: the
// other asks it to show its window and exits 0.
func TestAgentTwoAtOnceOneKeepsRunning(t *testing.T) {
	e := newEnv(t, noSourceConfig)
	e.desktop(false)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	loser, winner := launchTwo(t, e, ctx)
	if loser.code != 0 {
		t.Errorf("the second exited %d, want 0:\n%s", loser.code, loser.logs())
	}
	if want := fmt.Sprintf("already running (pid %d)", winner.cmd.Process.Pid); !strings.Contains(loser.logs(), want) {
		t.Errorf("the second does not say %q:\n%s", want, loser.logs())
	}
	winner.waitLog(t, "callhook agent running", 30*time.Second)
	waitWindowProc(t, winner)
	if !siptest.Steady(func() bool { return !winner.exited() }) {
		t.Fatalf("the first exited %d too:\n%s", winner.code, winner.logs())
	}
	winner.stop(t)
}

// kill -9 of the window, then of the agent: nothing is lost; the
// restarted agent delivers what was pending, with the same webhook-id.
func TestAgentKill9WindowThenAgent(t *testing.T) {
	rc := newReceiver(t)
	healthy := make(chan struct{})
	rc.setRespond(func(int, received) (int, http.Header) {
		select {
		case <-healthy:
			return http.StatusOK, nil
		default:
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"2"}}
		}
	})
	e := newEnv(t, agentConfig(rc.URL+"/missed"))
	display, w := e.desktop(true)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ag := e.launch(ctx)
	ag.waitLog(t, "callhook agent running", 30*time.Second)
	if _, err := w.WaitItem(ctx, ag.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	e.mustRun("") // shows the window
	win := waitWindowProc(t, ag)
	xWindow(t, display, win)

	// The receiver refuses the first attempt: a retry is pending.
	r := e.run("", "simulate", "--direction", "in", "--remote", "+4930999", "--hangup-after", "10ms", "--wait", "1s")
	if r.code != 1 || !strings.Contains(r.stdout, "1 pending") {
		t.Fatalf("simulate: exit %d, want 1 with the delivery pending:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	first := rc.waitFor(t, 1, 30*time.Second)[0]

	if err := syscall.Kill(win, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, win, 10*time.Second)
	if ag.exited() {
		t.Fatalf("killing the window ended the agent:\n%s", ag.logs())
	}
	// The agent learns of the window's end when it reaps it: a moment.
	siptest.Settle(t, "status without a window", 1, 10*time.Second, func() int {
		if e.status().Window {
			return 0
		}
		return 1
	})
	if st := e.status(); st.Pending != 1 {
		t.Errorf("after kill -9 of the window: pending %d, want 1", st.Pending)
	}
	if err := ag.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-ag.done
	close(healthy)

	again := e.launch(ctx)
	again.waitLog(t, "callhook agent running", 30*time.Second)
	siptest.Exactly(t, "requests", 2, 30*time.Second, rc.count)
	got := rc.requests()
	if id := got[len(got)-1].Header.Get("webhook-id"); id != first.Header.Get("webhook-id") {
		t.Errorf("resumed delivery has webhook-id %q, want %q", id, first.Header.Get("webhook-id"))
	}
	again.stop(t)
}

// Dialog mode against the real Kamailio: two launches at once leave one
// subscriber, so one call's hooks each arrive exactly once.
func TestAgentDialogTwoLaunchesHooksOnce(t *testing.T) {
	const ext, password = "1002", "pw1002"
	bin := siptest.RequirePeers(t)
	pbx := siptest.StartDialogPBX(t, bin, ext, password)
	rc := newReceiver(t)
	e := newEnv(t, fmt.Sprintf(`{
  "version": 1, "enabled": true, "user": "agent", "ui": {"start_minimised": true},
  "source": {"mode": "dialog", "dialog": {"server": %q, "domain": "127.0.0.1", "username": %q,
             "password_secret": "sip", "watch": [%q], "expires": 120}},
  "hooks": [{"id": "log", "enabled": true, "triggers": ["incoming.ring","incoming.answer","incoming.hangup"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"remote\":\"{remote}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\"}"}]
}`, pbx.Addr(), ext, ext, rc.URL+"/events"))
	e.vars = append(e.vars, "CALLHOOK_SECRET_SIP="+password)
	_, w := e.desktop(true)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	loser, winner := launchTwo(t, e, ctx)
	if loser.code != 0 {
		t.Fatalf("the second launch exited %d, want 0:\n%s", loser.code, loser.logs())
	}
	winner.waitLog(t, "state=subscribed", 30*time.Second)
	if _, err := w.WaitItem(ctx, winner.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}

	callee := siptest.StartSipp(t, bin, siptest.SippOptions{Scenario: "dialog_uas.xml", Args: []string{"-d", "300"}})
	if err := siptest.RunSipp(t, bin, siptest.SippOptions{
		Scenario: "dialog_uac.xml", Service: ext, Remote: siptest.Addr(callee.Port),
		Keys: map[string]string{"caller": "1001"},
		Args: []string{"-rsa", pbx.Addr(), "-d", "500"},
	}); err != nil {
		t.Fatalf("caller's sipp failed: %v", err)
	}
	if err := callee.Wait(); err != nil {
		t.Fatalf("callee's sipp failed: %v\n%s", err, callee.Report())
	}
	rc.callHooks(t, 0, []string{"incoming.ring", "incoming.answer", "incoming.hangup"},
		map[string]string{"caller": "1001", "callee": ext, "remote": "1001", "outcome": "answered"})
	winner.stop(t)
}
