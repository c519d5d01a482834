//go:build !linux

package ui

// TrayAvailable reports whether a system tray will show Callhook's icon:
// Windows and macOS always have one (the notification area, the menu bar
// extras); other Unix systems are assumed to, like fyne does.
func TrayAvailable() bool { return true }
