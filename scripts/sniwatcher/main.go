//go:build linux

// Command sniwatcher stands in for a desktop's system tray on a bare
// session bus (dbus-run-session, Xvfb): it owns
// org.kde.StatusNotifierWatcher until SIGINT or SIGTERM and prints a line
// for each tray icon that comes or goes:
//
//	registered :1.5 /StatusNotifierItem pid 1234
//	unregistered :1.5 /StatusNotifierItem pid 1234
//
// With --click it is a client of the watcher that already runs instead:
// it waits for the tray icon of --pid, clicks the menu entry labelled
// LABEL and exits 0. Without a watcher it says so and exits 1.
//
//	sniwatcher &
//	sniwatcher --click "Hooks on" --pid 1234 --timeout 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/callhook/callhook/internal/traytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("sniwatcher", flag.ContinueOnError)
	flags.SetOutput(stderr)
	label := flags.String("click", "", "click the menu entry with this `label` in the tray icon of --pid, then exit")
	pid := flags.Int("pid", 0, "the process whose tray icon --click clicks")
	timeout := flags.Duration("timeout", 10*time.Second, "how long --click waits for the tray icon")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "sniwatcher: unexpected argument %q\n", flags.Arg(0))
		return 2
	}
	if *label == "" && *pid == 0 {
		return watch(ctx, stdout, stderr)
	}
	if *label == "" || *pid <= 0 || *timeout <= 0 {
		fmt.Fprintln(stderr, "sniwatcher: --click needs --pid (a process id) and a --timeout above 0")
		return 2
	}
	return click(ctx, *label, *pid, *timeout, stdout, stderr)
}

// watch runs the watcher until ctx ends.
func watch(ctx context.Context, stdout, stderr io.Writer) int {
	w, err := traytest.StartWatcher(traytest.WithChangeFunc(func(c traytest.Change) {
		verb := "registered"
		if !c.Registered {
			verb = "unregistered"
		}
		fmt.Fprintf(stdout, "%s %s %s pid %d\n", verb, c.Item.Service, c.Item.Path, c.Item.PID)
	}))
	if err != nil {
		fmt.Fprintf(stderr, "sniwatcher: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "sniwatcher: watching as %s until SIGINT or SIGTERM\n", traytest.WatcherName)
	<-ctx.Done()
	if err := w.Close(); err != nil {
		fmt.Fprintf(stderr, "sniwatcher: %v\n", err)
	}
	return 0
}

// click clicks label in the tray icon of pid, through the running watcher.
func click(ctx context.Context, label string, pid int, timeout time.Duration, stdout, stderr io.Writer) int {
	c, err := traytest.NewClient(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "sniwatcher: %v\n", err)
		return 1
	}
	defer c.Close()
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	it, err := c.WaitItem(waitCtx, pid)
	if errors.Is(err, traytest.ErrNoWatcher) {
		fmt.Fprintf(stderr, "sniwatcher: %v: start one first (sniwatcher &)\n", err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "sniwatcher: %v\n", err)
		return 1
	}
	if err := c.Click(ctx, it, label); err != nil {
		fmt.Fprintf(stderr, "sniwatcher: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "clicked %q in %s %s pid %d\n", label, it.Service, it.Path, it.PID)
	return 0
}
