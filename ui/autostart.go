package ui

import (
	"fmt"
	"os"
)

// autostartName is the entry's name in every OS's autostart list.
const autostartName = "callhook"

// setAutostart adds Callhook to (or removes it from) the programs the OS
// starts at login, pointing at the running executable. The platform part
// is autostartEnable / autostartDisable in autostart_<os>.go.
func setAutostart(on bool) error {
	if !on {
		if err := autostartDisable(); err != nil {
			return fmt.Errorf("remove autostart entry: %w", err)
		}
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find executable: %w", err)
	}
	if err := autostartEnable(exe); err != nil {
		return fmt.Errorf("add autostart entry: %w", err)
	}
	return nil
}
