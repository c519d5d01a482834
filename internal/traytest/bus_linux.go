//go:build linux

package traytest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Bus is a session bus of a test's own: a dbus-daemon on a socket in a
// temporary directory (see the package comment for why). Point
// DBUS_SESSION_BUS_ADDRESS at Address before anything connects: godbus's
// shared connection, which fyne.io/systray uses, reads it once.
type Bus struct {
	Address string
	cmd     *exec.Cmd
	dir     string
	stderr  bytes.Buffer
}

// StartBus starts dbus-daemon and waits until it listens. Without a
// deadline in ctx it waits CallTimeout.
func StartBus(ctx context.Context) (*Bus, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "traytest-bus-")
	if err != nil {
		return nil, fmt.Errorf("start dbus-daemon: %w", err)
	}
	b := &Bus{dir: dir}
	b.cmd = exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile",
		"--address=unix:path="+filepath.Join(dir, "bus"), "--print-address=1")
	b.cmd.Stderr = &b.stderr
	out, err := b.cmd.StdoutPipe()
	if err == nil {
		err = b.cmd.Start()
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start dbus-daemon: %w", err)
	}
	// The daemon prints its address once it listens. The reader ends
	// with that line, or when the daemon's stdout closes.
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case b.Address = <-line:
	case <-ctx.Done():
	}
	if b.Address == "" {
		b.Close()
		<-line
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("start dbus-daemon: no address printed: %w", err)
		}
		return nil, fmt.Errorf("start dbus-daemon: it exited: %s", strings.TrimSpace(b.stderr.String()))
	}
	return b, nil
}

// Close stops the daemon; its clients see their connections end.
func (b *Bus) Close() error {
	_ = b.cmd.Process.Kill()
	_ = b.cmd.Wait() // killed: its exit status says only that
	return os.RemoveAll(b.dir)
}
