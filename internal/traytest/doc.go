// Package traytest lets tests see Callhook's tray icon the way a desktop's
// tray does, on Linux's session bus, without a desktop.
//
// A tray icon on Linux is a StatusNotifierItem: the program exports an
// item and a com.canonical.dbusmenu menu on the session bus and registers
// the item with org.kde.StatusNotifierWatcher, which the desktop's tray
// owns. A test bus (dbus-run-session) has no such watcher, so the icon
// never registers and nothing can read it. Watcher is one: it owns the
// name, records the items that register and drops them when their owner
// leaves the bus. It reads an item's menu, clicks an entry, left-clicks
// the icon and reads the icon's pixels; Client does the same through a
// watcher that runs elsewhere (scripts/sniwatcher).
//
//	bus, err := traytest.StartBus(ctx) // a bus of the test's own
//	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address) // for the watcher and the agent
//	w, err := traytest.StartWatcher()
//	it, err := w.WaitItem(ctx, agent.Process.Pid)
//	err = w.Click(ctx, it, "Hooks on")
//
// StartBus exists because go test runs packages side by side, and on one
// shared bus only one of them can own the watcher's name (the others'
// StartWatcher fails with ErrNameTaken, and ui.TrayAvailable sees a tray
// that is not theirs).
//
// Everything is Linux only; elsewhere the package is empty.
package traytest
