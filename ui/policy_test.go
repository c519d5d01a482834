package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// testPolicyFile is where the tests' policies come from.
const testPolicyFile = "/etc/callhook/policy.json"

// twoManaged is a policy with a managed hook the user may switch off
// (crm-managed) and one they may not (audit).
const twoManaged = `{"hooks": [
  {"id": "crm-managed", "name": "Company CRM", "triggers": ["incoming.answer"], "action": "browser",
   "url": "https://crm.example.com/search?phone={remote|e164}", "user_can_disable": true},
  {"id": "audit", "name": "Audit log", "triggers": ["incoming.hangup"], "action": "post",
   "url": "https://audit.example.com/calls", "content_type": "application/json", "body": "{\"caller\":\"{caller}\"}",
   "headers": {"X-Team": "sales"}}]}`

func parsePolicy(t *testing.T, js string) *hooks.Policy {
	t.Helper()
	p, err := hooks.ParsePolicy([]byte(js), testPolicyFile)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// putPolicy puts p in force in the backend and tells the window, as the
// agent does when the administrator changes the policy.
func (h *harness) putPolicy(p *hooks.Policy) {
	h.t.Helper()
	h.b.setPolicy(p, testPolicyFile)
	h.b.emit(Event{Kind: PolicyChanged})
	h.settle()
}

// managedRowOf returns the objects of the list row showing the managed
// hook titled name.
func managedRowOf(t *testing.T, h *harness, name string) fyne.CanvasObject {
	t.Helper()
	for _, o := range h.u.hooks.list.Objects {
		if strings.Contains(labels(o), name+"\n") {
			return o
		}
	}
	t.Fatalf("no row for %q in the list:\n%s", name, labels(h.u.hooks.list))
	return nil
}

// A managed hook is listed after the user's, marked, with no way to edit,
// duplicate or delete it; Show opens it in the editor with every field
// disabled and a note that says whose it is; nothing typed reaches the
// config.
func TestManagedHookReadOnlyInEditor(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.putPolicy(parsePolicy(t, twoManaged))

	row := managedRowOf(t, h, "Audit log")
	if !strings.Contains(labels(row), "Managed by your administrator") {
		t.Errorf("the managed row is not marked:\n%s", labels(row))
	}
	buttons := findButtons(row)
	for _, b := range []string{"Edit", "Duplicate", "Delete"} {
		if buttons[b] != nil {
			t.Errorf("the managed row offers %s", b)
		}
	}
	if i, j := slices.Index(h.u.hooks.list.Objects, row), slices.Index(h.u.hooks.list.Objects, managedRowOf(t, h, "Log call")); i < j {
		t.Error("the managed hook is listed before the user's own")
	}
	test.Tap(buttons["Show"])
	e := h.u.hooks.editor
	if e == nil || !e.readOnly {
		t.Fatal("Show did not open the hook read-only")
	}
	if e.url.Text != "https://audit.example.com/calls" || e.name.Text != "Audit log" || len(e.headers.rows) != 1 {
		t.Errorf("the editor shows %q %q with %d headers, not the policy's hook", e.name.Text, e.url.Text, len(e.headers.rows))
	}
	var enabled []string
	visit(e.form, func(o fyne.CanvasObject) {
		if _, form := o.(*widget.Form); form || !o.Visible() {
			return // a form's Disabled is about its submit button, hidden here
		}
		if d, ok := o.(fyne.Disableable); ok && !d.Disabled() {
			enabled = append(enabled, fmt.Sprintf("%T", o))
		}
	})
	if len(enabled) > 0 {
		t.Errorf("read-only editor has enabled fields: %v", enabled)
	}
	if !strings.Contains(e.state.Text, "Managed by your administrator") {
		t.Errorf("no note that the hook is managed: %q", e.state.Text)
	}
	if e.undoBtn.Visible() {
		t.Error("Undo is offered for a managed hook")
	}
	saves := len(h.b.saved())
	test.Type(e.url, "/x")
	e.name.SetText("Mine now") // even a change that gets past the disabled field
	h.settle()
	if n := len(h.b.saved()); n != saves {
		t.Fatalf("the read-only editor saved %d times", n-saves)
	}
	if _, ok := h.u.cfg.Hook("audit"); ok {
		t.Error("the managed hook was copied into the user's config")
	}
	test.Tap(findButtons(e.content)["Back to the list"])
	if h.u.hooks.editor != nil {
		t.Error("Back did not close the read-only editor")
	}
}

// Only a managed hook the policy lets the user switch off has a switch
// that turns; turning it is saved in disabled_managed_hooks. The other's
// switch is disabled, with a line saying the policy keeps it on.
func TestManagedHookSwitchLockedOrAllowed(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.putPolicy(parsePolicy(t, twoManaged))

	locked, allowed := h.u.hooks.managed["audit"], h.u.hooks.managed["crm-managed"]
	if locked == nil || allowed == nil {
		t.Fatalf("managed rows: %v", keys(h.u.hooks.managed))
	}
	if !locked.enabled.Checked || !locked.enabled.Disabled() {
		t.Errorf("locked hook's switch: checked %v, disabled %v; want on and disabled", locked.enabled.Checked, locked.enabled.Disabled())
	}
	if !strings.Contains(labels(managedRowOf(t, h, "Audit log")), "keeps this hook on") {
		t.Error("no line says why the locked switch does not turn")
	}
	if !allowed.enabled.Checked || allowed.enabled.Disabled() {
		t.Errorf("allowed hook's switch: checked %v, disabled %v; want on and enabled", allowed.enabled.Checked, allowed.enabled.Disabled())
	}

	saves := len(h.b.saved())
	tapCheck(locked.enabled)
	h.settle()
	if len(h.b.saved()) != saves || !locked.enabled.Checked {
		t.Error("the locked switch turned")
	}
	// Even asked directly, the locked hook is not switched off.
	h.u.hooks.setManagedOn("audit", false)
	h.settle()
	if len(h.b.saved()) != saves || slices.Contains(h.u.cfg.DisabledManagedHooks, "audit") {
		t.Error("the locked hook was switched off")
	}
	if !strings.Contains(h.u.banner.message(), "does not let the user switch this hook off") {
		t.Errorf("banner %q does not say why", h.u.banner.message())
	}

	tapCheck(allowed.enabled)
	h.settle()
	if got := h.b.lastSaved(t).DisabledManagedHooks; !slices.Equal(got, []string{"crm-managed"}) {
		t.Fatalf("saved disabled_managed_hooks %v, want [crm-managed]", got)
	}
	h.u.hooks.refresh()
	if h.u.hooks.managed["crm-managed"].enabled.Checked {
		t.Error("the switched-off managed hook shows on")
	}
	tapCheck(h.u.hooks.managed["crm-managed"].enabled)
	h.settle()
	if got := h.b.lastSaved(t).DisabledManagedHooks; len(got) != 0 {
		t.Errorf("switched on again, disabled_managed_hooks is %v", got)
	}
}

// A URL whose host the policy does not allow is refused under the URL,
// in the window's language and naming the policy file, and not saved;
// an allowed host saves.
func TestEditorRefusesHostNotAllowed(t *testing.T) {
	for _, tc := range []struct {
		language string
		want     []string
	}{
		{"en", []string{`host "evil.example.net" is not in allowed_hosts of the policy ` + testPolicyFile, "crm.example.com"}},
		{"de", []string{`Der Host "evil.example.net" steht nicht in allowed_hosts der Richtlinie ` + testPolicyFile, "erlaubt: crm.example.com"}},
	} {
		t.Run(tc.language, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = tc.language
			h := newHarness(t, cfg, Options{})
			h.putPolicy(parsePolicy(t, `{"allowed_hosts": ["crm.example.com"]}`))
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			saves := len(h.b.saved())

			e.url.SetText("https://evil.example.net/search?phone={remote}")
			h.settle()
			if !e.urlMsg.Visible() {
				t.Fatal("no problem under the URL")
			}
			for _, w := range tc.want {
				if !strings.Contains(e.urlMsg.Text, w) {
					t.Errorf("under the URL %q, want %q", e.urlMsg.Text, w)
				}
			}
			if len(h.b.saved()) != saves || !e.unsaved {
				t.Error("the refused URL was saved")
			}
			if hk, _ := h.u.cfg.Hook("crm"); strings.Contains(hk.URL, "evil") {
				t.Error("the refused URL is in the window's config")
			}

			e.url.SetText("https://crm.example.com/other?phone={remote}")
			h.settle()
			if e.urlMsg.Visible() {
				t.Errorf("an allowed host is refused: %q", e.urlMsg.Text)
			}
			if got := h.b.lastSaved(t); !strings.HasPrefix(got.Hooks[0].URL, "https://crm.example.com/other") {
				t.Errorf("the allowed URL was not saved: %q", got.Hooks[0].URL)
			}
		})
	}
}

// A new hook does not take a managed hook's id: the agent would refuse
// the config.
func TestNewHookAvoidsManagedIDs(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.putPolicy(parsePolicy(t, twoManaged))
	h.u.hooks.add()
	e := h.u.hooks.editor
	e.name.SetText("Audit")
	e.url.SetText("https://audit.example.com/mine")
	h.settle()
	if e.h.ID == "audit" || e.unsaved {
		t.Errorf("new hook id %q (unsaved %v): want another id than the managed hook's, and saved", e.h.ID, e.unsaved)
	}
}

// A source the policy fixes shows the policy's values, read-only, with
// a note; nothing typed is applied. Once the policy lets go, the user's
// own source is back and editable.
func TestSettingsSourceFixedByPolicy(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	h.putPolicy(parsePolicy(t, `{"source": {"mode": "dialog", "dialog": {"server": "pbx-admin.example.com:5061", "transport": "tls", "watch": ["1002"]}}}`))
	s := h.u.settings
	if s.formMode() != hooks.SourceDialog || s.dialog.server.Text != "pbx-admin.example.com:5061" || !s.dialog.content.Visible() {
		t.Fatalf("the form shows mode %q, server %q: not the policy's source", s.formMode(), s.dialog.server.Text)
	}
	for name, d := range map[string]fyne.Disableable{"mode": s.mode, "server": s.dialog.server, "watch": s.dialog.watch,
		"transport": s.dialog.leg.transport, "CA file": s.dialog.leg.caFile, "password": s.dialog.password,
		"listen": s.proxy.listen, "upstream": s.proxy.upstream} {
		if !d.Disabled() {
			t.Errorf("%s is editable under a fixed source", name)
		}
	}
	if !s.sourceNote.Visible() || !strings.Contains(s.sourceNote.Text, "Set by your administrator's policy") {
		t.Errorf("source note %q (visible %v)", s.sourceNote.Text, s.sourceNote.Visible())
	}
	if strings.Contains(s.status.Text, "Not started") {
		t.Errorf("the status speaks of a mode not saved: %q", s.status.Text)
	}
	saves := len(h.b.saved())
	s.dialog.server.SetText("pbx-mine.example.com")
	s.applySource()
	h.settle()
	if len(h.b.saved()) != saves || h.u.cfg.Source.Mode != hooks.SourceProxy {
		t.Fatal("a fixed source was written into the user's config")
	}

	h.putPolicy(nil)
	s = h.u.settings
	if s.formMode() != hooks.SourceProxy || s.proxy.upstream.Text != "pbx.example.com:5060" {
		t.Errorf("without the policy the form shows mode %q, upstream %q: not the user's source", s.formMode(), s.proxy.upstream.Text)
	}
	if s.mode.Disabled() || s.proxy.upstream.Disabled() || s.sourceNote.Visible() {
		t.Error("the source stays locked without a policy")
	}
	if !s.proxy.leg.caFile.Disabled() {
		t.Error("the CA file is editable with transport udp")
	}
}

// A policy that switches hooks off disables the global switch with a
// note, replaces the Hooks tab's "Turn hooks on" with its own notice, and
// Settings say which policy is in force and from where.
func TestPolicyKillSwitchShown(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	s := h.u.settings
	if s.policyBox.Visible() || s.global.Disabled() {
		t.Fatal("without a policy, Settings show one")
	}
	h.putPolicy(parsePolicy(t, `{"hooks_enabled": false, "allowed_hosts": ["crm.example.com"]}`))
	s = h.u.settings
	if !s.global.Disabled() || s.global.Checked {
		t.Errorf("global switch: disabled %v, checked %v; want disabled and off", s.global.Disabled(), s.global.Checked)
	}
	if !s.globalNote.Visible() || !strings.Contains(s.globalNote.Text, "Switched off by your administrator's policy") {
		t.Errorf("global note %q", s.globalNote.Text)
	}
	if !h.u.hooks.policyOff.Visible() || h.u.hooks.off.Visible() {
		t.Error("the Hooks tab does not say that the policy switched hooks off, or offers to turn them on")
	}
	if !s.policyBox.Visible() {
		t.Fatal("no policy line in Settings")
	}
	for _, w := range []string{"hooks switched off", "hosts crm.example.com", "From " + testPolicyFile} {
		if !strings.Contains(s.policyLine.Text, w) {
			t.Errorf("policy line %q lacks %q", s.policyLine.Text, w)
		}
	}
	if h.u.cfg.Enabled != true || len(h.b.saved()) != 0 {
		t.Error("the policy's switch was written into the user's config")
	}
}

// The policy's line in both languages: where from, when fetched, the
// cached copy and the last error, translated.
func TestPolicyText(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local)
	p := parsePolicy(t, twoManaged)
	st := hooks.PolicyStatus{Active: true, File: testPolicyFile, URL: "https://admin.example.com/policy.json",
		From: testPolicyFile + " + https://admin.example.com/policy.json", Cached: true, Fetched: at,
		Error: "host not allowed by the policy", Policy: p}
	for _, tc := range []struct {
		language string
		want     []string
	}{
		{langEnglish, []string{"In force: 2 managed hooks", "From " + st.From, "Provisioning URL: https://admin.example.com/policy.json · fetched 2026-03-02 09:30",
			"copy cached", "Last error: host not allowed by the policy", "last good policy stays in force"}},
		{langGerman, []string{"In Kraft: 2 verwaltete Hooks", "Aus " + st.From, "Provisionierungs-URL: https://admin.example.com/policy.json · abgerufen 2026-03-02 09:30",
			"zwischengespeicherte Kopie", "Letzter Fehler: Host durch die Richtlinie nicht erlaubt", "bleibt in Kraft"}},
	} {
		got := policyText(newTr(tc.language), st)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: policy text\n%s\nlacks %q", tc.language, got, w)
			}
		}
	}
	if got := policyText(newTr(langEnglish), hooks.PolicyStatus{}); got != "" {
		t.Errorf("no policy: %q, want nothing", got)
	}
}

// PolicyChanged brings the window in line: managed hooks appear and go,
// a managed hook open in the editor follows the policy (and closes when
// the policy drops it), and an open editor of the user's checks its URL
// against the new allowed hosts.
func TestPolicyChangedRefreshes(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	if len(h.u.hooks.managed) != 0 || h.u.settings.policyBox.Visible() {
		t.Fatal("managed hooks without a policy")
	}
	h.putPolicy(parsePolicy(t, twoManaged))
	if len(h.u.hooks.managed) != 2 || !h.u.settings.policyBox.Visible() {
		t.Fatalf("after PolicyChanged: managed rows %v, policy line shown %v", keys(h.u.hooks.managed), h.u.settings.policyBox.Visible())
	}
	h.u.hooks.view("audit")
	h.putPolicy(parsePolicy(t, strings.Replace(twoManaged, "https://audit.example.com/calls", "https://audit2.example.com/calls", 1)))
	if e := h.u.hooks.editor; e == nil || !e.readOnly || e.url.Text != "https://audit2.example.com/calls" {
		t.Fatal("the managed hook open in the editor does not show the new policy's")
	}
	h.putPolicy(parsePolicy(t, `{"allowed_hosts": ["other.example.com"]}`))
	if h.u.hooks.editor != nil {
		t.Error("the editor still shows a hook the policy dropped")
	}
	if len(h.u.hooks.managed) != 0 {
		t.Errorf("managed rows %v after the policy dropped them", keys(h.u.hooks.managed))
	}
	h.u.hooks.edit("crm")
	h.putPolicy(parsePolicy(t, `{"allowed_hosts": ["other.example.com"]}`))
	if e := h.u.hooks.editor; !e.urlMsg.Visible() || !strings.Contains(e.urlMsg.Text, "crm.example.com") {
		t.Errorf("the open editor does not refuse its host under the new policy: %q", e.urlMsg.Text)
	}
}
