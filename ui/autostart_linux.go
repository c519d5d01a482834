package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// autostartFile is the XDG autostart entry:
// $XDG_CONFIG_HOME/autostart/callhook.desktop (~/.config by default).
func autostartFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "autostart", autostartName+".desktop"), nil
}

func autostartEnable(exe string) error {
	path, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(desktopEntry(exe)), 0o644)
}

func autostartDisable() error {
	path, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// desktopEntry quotes the executable per the Desktop Entry spec, so a
// path with spaces starts the right program.
func desktopEntry(exe string) string {
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(exe)
	return fmt.Sprintf(`[Desktop Entry]
Type=Application
Name=Callhook
Comment=Webhooks for your SIP phone's calls
Exec="%s"
Icon=io.callhook.app
Terminal=false
X-GNOME-Autostart-enabled=true
`, q)
}
