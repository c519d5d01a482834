//go:build !linux

package agent

import "errors"

// notify: on Windows and macOS the agent has no notification of its own
// (fyne's need its app); the tray icon and its tooltip show the failure.
func notify(title, body string) error {
	return errors.New("desktop notifications from the agent are Linux-only")
}
