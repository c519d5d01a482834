package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Simulate says why nothing fires from the hooks in force: a managed
// hook on the call's triggers fires though none of the user's does, and
// under a policy that switches hooks off it names the administrator, not
// the user's switch, though the user's hooks would fire.
func TestSimulateSaysWhatThePolicyFires(t *testing.T) {
	cfg := sampleConfig()
	cfg.Hooks = nil
	h := newHarness(t, cfg, Options{})
	recordSimulations(h)
	h.putPolicy(parsePolicy(t, `{"hooks": [{"id": "audit", "triggers": ["incoming.hangup"], "action": "get",
  "url": "https://audit.example.com/calls"}]}`))
	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	if _, why, _ := strings.Cut(h.u.hooks.status.Text, "\n"); why != "" {
		t.Errorf("with a managed hook on the call's trigger, simulate says %q", why)
	}

	h = newHarness(t, sampleConfig(), Options{})
	recordSimulations(h)
	h.putPolicy(parsePolicy(t, `{"hooks_enabled": false}`))
	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	want := "No hook fires: your administrator's policy switches all hooks off."
	if _, why, _ := strings.Cut(h.u.hooks.status.Text, "\n"); why != want {
		t.Errorf("under the policy's switch simulate says %q, want %q", why, want)
	}
}

// Under the policy's off switch the history says the administrator
// switched the hooks off, not that nothing listened, whatever the
// user's own switch says.
func TestHistorySaysThePolicySwitchedHooksOff(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.putPolicy(parsePolicy(t, `{"version": 1, "hooks_enabled": false}`))
	showSilentCall(h)
	if text := labels(h.u.calls.history); !strings.Contains(text, "No hook fired for this call: your administrator's policy switches all hooks off.") {
		t.Errorf("the history does not say the policy switched the hooks off:\n%s", text)
	}
}
