//go:build !linux && !windows && !darwin

package ui

import (
	"errors"
	"os"
	"path/filepath"
)

// Other Unix desktops follow the XDG autostart spec too.
func autostartEnable(exe string) error {
	dir, err := os.UserConfigDir()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "autostart", autostartName+".desktop")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte("[Desktop Entry]\nType=Application\nName=Callhook\nExec=\""+exe+"\"\n"), 0o644)
}

func autostartDisable() error {
	dir, err := os.UserConfigDir()
	if err != nil {
		return err
	}
	err = os.Remove(filepath.Join(dir, "autostart", autostartName+".desktop"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
