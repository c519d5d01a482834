//go:build linux

package traytest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/callhook/callhook/internal/traytest"
)

// fakeItemEnv turns the test binary into a stand-in tray program (see
// fakeItem).
const fakeItemEnv = "TRAYTEST_FAKE_ITEM"

func TestWaitGoneWhenTheProgramExits(t *testing.T) {
	needBus(t)
	w := startWatcher(t)
	ctx := within(t, 20*time.Second)
	cmd := exec.Command(os.Args[0])
	// A program built with -race sleeps a second at exit, for late reports.
	cmd.Env = append(os.Environ(), fakeItemEnv+"=1", "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	pid := cmd.Process.Pid
	it, err := w.WaitItem(ctx, pid)
	if err != nil {
		t.Fatalf("%v; the program said: %s", err, stderr.String())
	}
	if it.PID != pid || it.Path != traytest.DefaultItemPath {
		t.Errorf("item %+v, want pid %d at %s", it, pid, traytest.DefaultItemPath)
	}
	stdin.Close()
	if err := w.WaitGone(ctx, pid); err != nil {
		t.Fatal(err)
	}
	exited = true
	if err := cmd.Wait(); err != nil {
		t.Errorf("the program: %v; it said: %s", err, stderr.String())
	}
	if items := w.Items(); slices.ContainsFunc(items, func(x traytest.Item) bool { return x.PID == pid }) {
		t.Errorf("items %+v after WaitGone", items)
	}
}

// fakeItem registers an item by its bus name, as KDE's programs do, and
// stays until stdin closes (or a minute passes, should the test hang).
func fakeItem() int {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = conn.Object(traytest.WatcherName, traytest.WatcherPath).CallWithContext(ctx,
		traytest.WatcherInterface+".RegisterStatusNotifierItem", 0, conn.Names()[0]).Err
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	eof := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-eof:
		return 0
	case <-time.After(time.Minute):
		return 1
	}
}
