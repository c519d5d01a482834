package ui

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// TrayAvailable reports whether a system tray will show Callhook's icon.
// On Linux the tray is a StatusNotifierItem host found on the session bus;
// without one (a bare X server, some GNOME setups) the icon is invisible,
// so closing the window must quit instead of hiding into nothing.
func TrayAvailable() bool {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false
	}
	if err := conn.Hello(); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0,
		"org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
