//go:build !windows

package agent

// osIcon converts a PNG icon to what the platform's tray takes: PNG.
func osIcon(png []byte) []byte { return png }
