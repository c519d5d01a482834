// Package assets holds Callhook's bundled images: the app icon and the
// three tray icons. The SVG files are the sources; the PNGs are rendered
// from them (see assets/README.md) because tray hosts want bitmaps.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte
	//go:embed tray-enabled.png
	trayEnabledPNG []byte
	//go:embed tray-disabled.png
	trayDisabledPNG []byte
	//go:embed tray-error.png
	trayErrorPNG []byte
)

// The app icon, and the tray icon for hooks enabled, disabled (the global
// switch is off) and error (the call source failed, or the last delivery).
var (
	Icon         fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
	TrayEnabled  fyne.Resource = fyne.NewStaticResource("tray-enabled.png", trayEnabledPNG)
	TrayDisabled fyne.Resource = fyne.NewStaticResource("tray-disabled.png", trayDisabledPNG)
	TrayError    fyne.Resource = fyne.NewStaticResource("tray-error.png", trayErrorPNG)
)
