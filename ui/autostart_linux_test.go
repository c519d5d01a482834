package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAutostartLinux(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	file := filepath.Join(dir, "autostart", "callhook.desktop")
	if err := setAutostart(true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if !strings.Contains(string(b), "Exec=\""+exe+"\"\n") || !strings.HasPrefix(string(b), "[Desktop Entry]\n") {
		t.Errorf("entry:\n%s", b)
	}
	if err := setAutostart(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("entry still there: %v", err)
	}
	if err := setAutostart(false); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}

func TestDesktopEntryQuotesExec(t *testing.T) {
	got := desktopEntry(`/opt/my "apps"/call$hook`)
	if !strings.Contains(got, `Exec="/opt/my \"apps\"/call\$hook"`) {
		t.Errorf("Exec line not quoted:\n%s", got)
	}
}
