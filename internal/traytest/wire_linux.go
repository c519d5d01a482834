//go:build linux

package traytest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

// Wire names of the StatusNotifierItem protocol, as KDE and
// fyne.io/systray speak it, and of the item's menu.
const (
	WatcherName      = "org.kde.StatusNotifierWatcher"
	WatcherPath      = dbus.ObjectPath("/StatusNotifierWatcher")
	WatcherInterface = "org.kde.StatusNotifierWatcher"
	ItemInterface    = "org.kde.StatusNotifierItem"
	DefaultItemPath  = dbus.ObjectPath("/StatusNotifierItem")
	MenuInterface    = "com.canonical.dbusmenu"

	propertiesInterface = "org.freedesktop.DBus.Properties"
	busInterface        = "org.freedesktop.DBus"
)

// Bounds for calls whose context has no deadline of its own.
const (
	// CallTimeout bounds one exchange with the bus or an item.
	CallTimeout = 5 * time.Second
	// WaitTimeout bounds WaitItem and WaitGone.
	WaitTimeout = 30 * time.Second
)

var (
	ErrNameTaken = errors.New("name is taken")
	ErrNoWatcher = errors.New("no " + WatcherName + " on the session bus")
	ErrNoEntry   = errors.New("no such menu entry")
	ErrDisabled  = errors.New("menu entry is disabled")
	ErrNoIcon    = errors.New("item has no icon pixmap")
	ErrClosed    = errors.New("watcher is closed")
)

// bounded gives ctx the deadline d when it has none, so no call or wait
// of this package can hang.
func bounded(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// connect opens a private connection to the session bus, or to the bus
// at address when set. It never starts
// a bus (godbus would autolaunch one when none is set).
func connect(ctx context.Context, address string) (*dbus.Conn, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	var conn *dbus.Conn
	var err error
	if address != "" {
		conn, err = dbus.Dial(address)
	} else {
		conn, err = dbus.SessionBusPrivateNoAutoStartup()
	}
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	// Auth and Hello take no context; closing the connection ends them.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	err = conn.Auth(nil)
	if err == nil {
		err = conn.Hello()
	}
	if !stop() {
		return nil, fmt.Errorf("connect to the session bus: %w", ctx.Err())
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	return conn, nil
}

func busCall(ctx context.Context, conn *dbus.Conn, method string, args ...any) *dbus.Call {
	return conn.BusObject().CallWithContext(ctx, busInterface+"."+method, 0, args...)
}

func hasOwner(ctx context.Context, conn *dbus.Conn, name string) (bool, error) {
	var has bool
	if err := busCall(ctx, conn, "NameHasOwner", name).Store(&has); err != nil {
		return false, fmt.Errorf("ask the bus whether %s has an owner: %w", name, err)
	}
	return has, nil
}

// resolveItem names the item at path of the bus name name (unique or
// well-known) by its owner's unique name and process id.
func resolveItem(ctx context.Context, conn *dbus.Conn, name string, path dbus.ObjectPath) (Item, error) {
	var owner string
	if err := busCall(ctx, conn, "GetNameOwner", name).Store(&owner); err != nil {
		return Item{}, fmt.Errorf("find the owner of %s: %w", name, err)
	}
	var pid uint32
	if err := busCall(ctx, conn, "GetConnectionUnixProcessID", owner).Store(&pid); err != nil {
		return Item{}, fmt.Errorf("find the process of %s: %w", owner, err)
	}
	return Item{Service: owner, Path: path, PID: int(pid)}, nil
}
