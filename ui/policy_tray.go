package ui

// The tray while the administrator's policy switches every hook off: the
// icon shows hooks off whatever the user's switch says, and the switch
// gives way to a greyed item that says who switched them off, since
// nothing the user clicks turns them on. Shared by the window's tray
// (tray.go) and the agent's (internal/agent).

// TrayPolicyText is the tray's text while the policy switches hooks off.
type TrayPolicyText struct {
	// HooksOff replaces "Hooks on", greyed out.
	HooksOff string
	// Tooltip replaces the "hooks off" tooltip.
	Tooltip string
}

// TrayPolicyTexts returns the tray's policy text in language ("en",
// "de", or "" for the system's).
func TrayPolicyTexts(language string) TrayPolicyText { return trayPolicyTexts(newTr(language)) }

func trayPolicyTexts(l tr) TrayPolicyText {
	return TrayPolicyText{
		HooksOff: l.T("Hooks off: switched off by your administrator"),
		Tooltip:  l.T("Callhook: hooks switched off by your administrator"),
	}
}
