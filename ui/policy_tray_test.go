package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/callhook/callhook/assets"
)

// trayToggle is the tray menu's item that switches hooks: the one
// between the separators.
func trayToggle(t *testing.T, h *harness) *fyne.MenuItem {
	t.Helper()
	items := h.app.menu.Items
	if len(items) != 5 {
		t.Fatalf("tray menu has %d items, want 5", len(items))
	}
	return items[2]
}

// While the administrator's policy switches every hook off, the tray
// shows hooks off, whatever the user's switch says, and its switch is
// greyed out, saying who switched them off; clicking it changes nothing.
// Once the policy lets go, the user's switch is back in charge.
func TestTrayFollowsPolicyKillSwitch(t *testing.T) {
	for _, tc := range []struct {
		language, on, off string
	}{
		{"en", "Hooks on", "Hooks off: switched off by your administrator"},
		{"de", "Hooks an", "Hooks aus: von Ihrer Administration ausgeschaltet"},
	} {
		t.Run(tc.language, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = tc.language
			h := newHarness(t, cfg, Options{})
			if it := trayToggle(t, h); it.Label != tc.on || !it.Checked || it.Disabled || h.app.icon != assets.TrayEnabled {
				t.Fatalf("without a policy: item %q checked %v disabled %v", it.Label, it.Checked, it.Disabled)
			}

			h.putPolicy(parsePolicy(t, `{"hooks_enabled": false}`))
			it := trayToggle(t, h)
			if h.app.icon != assets.TrayDisabled {
				t.Error("the tray icon shows hooks on while the policy switches them off")
			}
			if it.Label != tc.off || it.Checked || !it.Disabled {
				t.Errorf("under the policy: item %q checked %v disabled %v; want %q, unchecked, disabled", it.Label, it.Checked, it.Disabled, tc.off)
			}
			it.Action()
			h.settle()
			if len(h.b.saved()) != 0 || !h.u.cfg.Enabled {
				t.Error("the greyed switch changed the user's config")
			}

			h.putPolicy(nil)
			if it := trayToggle(t, h); it.Label != tc.on || !it.Checked || it.Disabled || h.app.icon != assets.TrayEnabled {
				t.Errorf("after the policy let go: item %q checked %v disabled %v", it.Label, it.Checked, it.Disabled)
			}
		})
	}
}

// The window's save check is the agent's: a change the policy refuses
// (a new hook to a host it does not allow) is refused where it is made,
// and never becomes the window's config; a preset does not take a
// managed hook's id.
func TestSaveCheckAppliesPolicy(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.putPolicy(parsePolicy(t, `{"allowed_hosts": ["crm.example.com", "*.my.salesforce.com"],
  "hooks": [{"id": "salesforce-log", "triggers": ["incoming.hangup"], "action": "get", "url": "https://crm.example.com/managed"}]}`))
	f := newPresetForm(h.u.hooks)
	f.pick.SetSelected("Salesforce: log the call")
	f.entries["instance"].SetText("acme.example.net")
	err := f.create()
	h.settle()
	if err == nil || !strings.Contains(err.Error(), `host "acme.example.net" is not in allowed_hosts of the policy `+testPolicyFile) {
		t.Errorf("a preset to a host the policy refuses: %v", err)
	}
	if len(h.b.saved()) != 0 || len(h.u.cfg.Hooks) != 2 {
		t.Errorf("the refused hook reached the window's config (%d hooks) or the backend (%d saves)", len(h.u.cfg.Hooks), len(h.b.saved()))
	}

	f.entries["instance"].SetText("acme.my.salesforce.com")
	if err := f.create(); err != nil {
		t.Fatalf("an allowed preset: %v", err)
	}
	h.settle()
	if _, ok := h.b.lastSaved(t).Hook("salesforce-log-2"); !ok {
		t.Errorf("the preset took the managed hook's id: %+v", h.b.lastSaved(t).Hooks)
	}
}
