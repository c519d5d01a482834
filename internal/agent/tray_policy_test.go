package agent

import (
	"testing"

	"github.com/callhook/callhook/assets"
)

// The agent's tray shows what runs: under a policy that switches hooks
// off the icon is off whatever the user's switch says, the switch is
// greyed out and unticked, and it and the tooltip name the administrator.
func TestTrayStateUnderPolicy(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		language                  string
		userOn, policyOn, failing bool
		want                      trayState
	}{
		{"on", "en", true, true, false,
			trayState{toggle: "Hooks on", checked: true, tooltip: "Callhook: hooks on", icon: assets.TrayEnabled}},
		{"user off", "en", false, true, false,
			trayState{toggle: "Hooks on", tooltip: "Callhook: hooks off", icon: assets.TrayDisabled}},
		{"policy off", "en", true, false, false,
			trayState{toggle: "Hooks off: switched off by your administrator", locked: true,
				tooltip: "Callhook: hooks switched off by your administrator", icon: assets.TrayDisabled}},
		{"policy off, German", "de", true, false, false,
			trayState{toggle: "Hooks aus: von Ihrer Administration ausgeschaltet", locked: true,
				tooltip: "Callhook: Hooks von Ihrer Administration ausgeschaltet", icon: assets.TrayDisabled}},
		{"policy off, failing", "en", true, false, true,
			trayState{toggle: "Hooks off: switched off by your administrator", locked: true,
				tooltip: "Callhook: a delivery or the call source failed", icon: assets.TrayError}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := trayStateOf(tc.language, tc.userOn, tc.policyOn, tc.failing); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
