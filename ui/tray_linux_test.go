package ui

import "testing"

func TestTrayAvailableWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if TrayAvailable() {
		t.Error("a tray without a session bus")
	}
}
