package ui

import "fyne.io/fyne/v2"

// What the resident agent (internal/agent) shows without a window: its
// tray menu and icon, and the notification of a failed delivery. They
// live here so the window and the agent speak with one voice and one
// translation table.

// TrayText is the tray menu's text in one language.
type TrayText struct {
	Show, HooksOn, Quit string
	// Tooltip is the icon's tooltip for each state.
	Enabled, Disabled, Failing string
}

// TrayTexts returns the tray menu's text in language ("en", "de", or ""
// for the system's).
func TrayTexts(language string) TrayText {
	l := newTr(language)
	return TrayText{
		Show: l.T("Show"), HooksOn: l.T("Hooks on"), Quit: l.T("Quit"),
		Enabled:  l.T("Callhook: hooks on"),
		Disabled: l.T("Callhook: hooks off"),
		Failing:  l.T("Callhook: a delivery or the call source failed"),
	}
}

// TrayIcon is the tray icon for a state: an error wins over disabled.
func TrayIcon(enabled, failing bool) fyne.Resource { return trayIcon(enabled, failing) }

// FailureNotice words a failed delivery for a desktop notification in
// language, every caller-supplied part sanitised.
func FailureNotice(language string, e Event) (title, body string) {
	return failureText(newTr(language), e)
}
