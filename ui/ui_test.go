package ui

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/assets"
	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func TestEditorBadURLShowsMessageAndIsNotSaved(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"not http", "ftp://crm.example.com/{caller}"},
		{"placeholder in host", "https://{caller}.example.com/"},
		{"unknown placeholder", "https://crm.example.com/?q={nope}"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			e.url.SetText(tt.url)
			h.settle()
			if !e.urlMsg.Visible() || e.urlMsg.Text == "" {
				t.Errorf("URL %q: no message shown", tt.url)
			}
			if n := len(h.b.saved()); n != 0 {
				t.Errorf("URL %q: saved %d times, want not at all", tt.url, n)
			}
			if !h.u.hooks.dirty() {
				t.Error("editor does not report unsaved edits")
			}

			e.url.SetText("https://crm.example.com/contact?id={remote|digits}")
			h.settle()
			if e.urlMsg.Visible() {
				t.Errorf("message %q still shown for a good URL", e.urlMsg.Text)
			}
			got := h.b.lastSaved(t)
			if hk, _ := got.Hook("crm"); hk.URL != "https://crm.example.com/contact?id={remote|digits}" {
				t.Errorf("saved URL = %q", hk.URL)
			}
		})
	}
}

func TestPlaceholderMenuOffersWhatTheTriggersFill(t *testing.T) {
	tests := []struct {
		name     string
		triggers []call.Trigger
		want     []string
		notWant  []string
	}{
		{"ring has no duration", []call.Trigger{call.IncomingRing}, []string{"{caller}", "{remote}"}, []string{"{duration}"}},
		{"hangup has duration", []call.Trigger{call.IncomingHangup}, []string{"{duration}", "{outcome}"}, nil},
		{"ring and hangup: only what both fill", []call.Trigger{call.IncomingRing, call.IncomingHangup}, []string{"{caller}"}, []string{"{duration}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			e.setTriggers(tt.triggers...)
			h.settle()
			menu := e.placeholderMenu(e.url)
			var labels []string
			for _, it := range menu.Items {
				labels = append(labels, strings.Fields(it.Label)[0])
			}
			all := " " + strings.Join(labels, " ") + " "
			for _, w := range tt.want {
				if !strings.Contains(all, " "+w+" ") {
					t.Errorf("menu lacks %s: %v", w, labels)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, " "+w+" ") {
					t.Errorf("menu offers %s: %v", w, labels)
				}
			}
		})
	}
}

func TestPlaceholderMenuInsertsAtCursor(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("crm")
	e := h.u.hooks.editor
	e.url.SetText("https://crm.example.com/?a=&b=1")
	e.url.CursorColumn = len("https://crm.example.com/?a=")
	for _, it := range e.placeholderMenu(e.url).Items {
		if strings.HasPrefix(it.Label, "{caller} ") {
			it.Action()
		}
	}
	h.settle()
	if want := "https://crm.example.com/?a={caller}&b=1"; e.url.Text != want {
		t.Errorf("URL = %q, want %q", e.url.Text, want)
	}
}

func TestPreviewRendersSampleDataEscaped(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("crm")
	e := h.u.hooks.editor
	e.url.SetText("https://crm.example.com/search?phone={remote|e164}&name={remote_name}")
	h.settle()
	p := e.preview.Text
	if !strings.HasPrefix(p, "https://crm.example.com/search?phone=%2B49") {
		t.Errorf("preview %q: want the e164 number with + percent-encoded", p)
	}
	if strings.ContainsAny(p, " {}") || !strings.Contains(p, "name=Erika") {
		t.Errorf("preview %q: want the sample name escaped, no placeholders left", p)
	}

	h.u.hooks.edit("log")
	e = h.u.hooks.editor
	e.body.SetText(`{"name":"{remote_name}","n":{duration}}`)
	h.settle()
	if !strings.Contains(e.bodyPreview.Text, `"name":"Erika Mustermann"`) {
		t.Errorf("body preview %q lacks the JSON-escaped sample name", e.bodyPreview.Text)
	}
}

func TestHookSwitchSaves(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	tapCheck(h.u.hooks.rows["log"].enabled)
	h.settle()
	if m := h.u.banner.message(); m != "" {
		t.Fatalf("banner: %s", m)
	}
	got := h.b.lastSaved(t)
	if hk, _ := got.Hook("log"); hk.Enabled {
		t.Error("hook log still enabled in the saved config")
	}
	if hk, _ := got.Hook("crm"); !hk.Enabled {
		t.Error("the switch changed another hook")
	}
}

func TestGlobalSwitchSaves(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	tapCheck(h.u.settings.global)
	h.settle()
	if h.b.lastSaved(t).Enabled {
		t.Error("global switch off was not saved")
	}
	if h.app.icon != assets.TrayDisabled {
		t.Error("tray icon does not show hooks disabled")
	}
	// The tray's "Hooks on" item turns them back on.
	for _, it := range h.app.menu.Items {
		if it.Label == "Hooks on" {
			it.Action()
		}
	}
	h.settle()
	if !h.b.lastSaved(t).Enabled || !h.u.settings.global.Checked {
		t.Error("tray toggle did not turn hooks on again everywhere")
	}
}

func TestEmptyStateOffersAddHookAndSimulate(t *testing.T) {
	cfg := hooks.Default()
	h := newHarness(t, cfg, Options{})
	simulated := make(chan call.Direction, 1)
	h.b.SimulateFn = func(_ context.Context, d call.Direction, remote, name string) error {
		simulated <- d
		return nil
	}
	buttons := findButtons(h.u.hooks.list)
	for _, want := range []string{"Add hook", "Simulate a call"} {
		if buttons[want] == nil {
			t.Fatalf("empty state lacks %q; has %v", want, keys(buttons))
		}
	}
	test.Tap(buttons["Simulate a call"])
	h.settle()
	if d := <-simulated; d != call.In {
		t.Errorf("simulated direction %q", d)
	}
	test.Tap(buttons["Add hook"])
	if h.u.hooks.editor == nil || !h.u.hooks.editor.isNew {
		t.Fatal("Add hook did not open the editor on a new hook")
	}
	e := h.u.hooks.editor
	e.name.SetText("My CRM")
	e.url.SetText("https://crm.example.com/?p={remote}")
	h.settle()
	if hk, ok := h.b.lastSaved(t).Hook("my-crm"); !ok || hk.Name != "My CRM" {
		t.Errorf("new hook not saved as my-crm: %+v", h.b.lastSaved(t).Hooks)
	}
}

func TestDeleteAndDuplicate(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.duplicate("crm")
	h.settle()
	dup, ok := h.b.lastSaved(t).Hook("crm-2")
	if !ok || dup.Name != "Open CRM (copy)" || dup.URL != sampleConfig().Hooks[0].URL {
		t.Fatalf("duplicate = %+v", dup)
	}
	test.Tap(findButtons(h.u.hooks.list)["Delete"])
	h.settle()
	if _, ok := h.b.lastSaved(t).Hook("crm"); ok || len(h.b.lastSaved(t).Hooks) != 2 {
		t.Errorf("after deleting crm: %+v", h.b.lastSaved(t).Hooks)
	}
}

func TestTestRunsInTheBackground(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	release := make(chan struct{})
	var gotTrigger call.Trigger
	h.b.TestFn = func(_ context.Context, hk hooks.Hook, tr call.Trigger) (TestResult, error) {
		<-release
		gotTrigger = tr
		return TestResult{Status: 201, Latency: 42e6, Excerpt: "created\x1b[31m"}, nil
	}
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	test.Tap(findButtons(e.content)["Test"]) // returns while the request hangs
	if !strings.Contains(e.testOut.Text, "Testing") {
		t.Errorf("while testing: %q", e.testOut.Text)
	}
	close(release)
	h.settle()
	if want := "HTTP 201 · 42 ms\ncreated[31m"; e.testOut.Text != want {
		t.Errorf("result %q, want %q", e.testOut.Text, want)
	}
	if gotTrigger != call.IncomingHangup {
		t.Errorf("tested with %q", gotTrigger)
	}
}

func TestSecretHeaderGoesToTheKeychain(t *testing.T) {
	tests := []struct {
		name        string
		secretFirst bool // tick Secret, then type the value and press Enter
	}{
		{"secret ticked first", true},
		{"value typed first", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("log")
			e := h.u.hooks.editor
			e.headers.add("", "")
			r := e.headers.rows[0]
			r.key.SetText("Authorization")
			if tt.secretFirst {
				tapCheck(r.secret)
				r.value.SetText("Bearer s3cret")
				h.settle()
				r.value.OnSubmitted(r.value.Text)
			} else {
				r.value.SetText("Bearer s3cret")
				h.settle()
				tapCheck(r.secret)
			}
			h.settle()
			if got := h.b.secret("log-authorization"); got != "Bearer s3cret" {
				t.Errorf("keychain holds %q", got)
			}
			hk, _ := h.b.lastSaved(t).Hook("log")
			if v := hk.Headers["Authorization"]; v != "{secret.log-authorization}" {
				t.Errorf("config header = %q, want the secret reference", v)
			}
			if !tt.secretFirst {
				return
			}
			for _, c := range h.b.saved() {
				for _, hk := range c.Hooks {
					for _, v := range hk.Headers {
						if strings.Contains(v, "s3cret") {
							t.Fatal("the secret value reached the config file")
						}
					}
				}
			}
		})
	}
}

func TestGenerateSigningSecret(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	test.Tap(findButtons(e.content)["Generate"])
	h.settle()
	key := h.b.secret("log-signing")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(key, "whsec_"))
	if !strings.HasPrefix(key, "whsec_") || err != nil || len(raw) != 24 {
		t.Errorf("key %q: want whsec_ and 24 bytes of base64", key)
	}
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.SigningSecret != "log-signing" {
		t.Errorf("signing_secret = %q", hk.SigningSecret)
	}
}

func TestFailedDeliveryNotifiesAndShowsInTray(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	c := call.Call{Direction: call.In, Caller: call.Party{Number: "+4930123", Name: "Eve\u202E\nEvil"}}
	h.b.emit(Event{Kind: DeliveryDone, Call: c, Delivery: DeliveryRow{HookID: "log", HookName: "Log call", State: hooks.StateFailed, StatusCode: 500}})
	h.settle()
	if len(h.app.notes) != 1 {
		t.Fatalf("%d notifications, want 1", len(h.app.notes))
	}
	if got, want := h.app.notes[0].Content, "Log call failed for the call with Eve Evil +4930123: HTTP 500"; got != want {
		t.Errorf("notification %q, want %q", got, want)
	}
	if h.app.icon != assets.TrayError {
		t.Error("tray icon does not show the failure")
	}
	h.b.emit(Event{Kind: DeliveryDone, Call: c, Delivery: DeliveryRow{HookID: "log", State: hooks.StateDelivered}})
	h.settle()
	if h.app.icon != assets.TrayEnabled {
		t.Error("tray icon still shows an error after a delivery succeeded")
	}

	off := false
	cfg := sampleConfig()
	cfg.UI.Notify = &off
	h2 := newHarness(t, cfg, Options{})
	h2.b.emit(Event{Kind: DeliveryDone, Call: c, Delivery: DeliveryRow{State: hooks.StateFailed}})
	h2.settle()
	if len(h2.app.notes) != 0 {
		t.Error("notified although notifications are off")
	}
}

func TestExternalChangeIsReloaded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sampleConfig(), Options{ConfigPath: path})
	changed := sampleConfig()
	changed.Hooks = changed.Hooks[:1]
	h.b.ReloadFn = func() (*hooks.Config, error) { return changed.Clone(), nil }

	h.u.watch.poll() // unchanged: nothing happens
	h.settle()
	if len(h.u.cfg.Hooks) != 2 {
		t.Fatal("reloaded an unchanged file")
	}
	if err := os.WriteFile(path, []byte(`{"version":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.watch.poll()
	h.settle()
	if len(h.u.cfg.Hooks) != 1 || h.u.hooks.rows["log"] != nil {
		t.Error("the change on disk did not reach the hook list")
	}
	if h.u.banner.message() == "" {
		t.Error("no banner about the reload")
	}
}

func TestLanguageSwitchRebuildsInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h := newHarness(t, cfg, Options{})
	if got := h.u.tabs.Items[2].Text; got != "Einstellungen" {
		t.Errorf("settings tab = %q", got)
	}
	h.u.settings.language.SetSelectedIndex(1) // English
	h.settle()
	if got := h.u.tabs.Items[2].Text; got != "Settings" {
		t.Errorf("after switching: settings tab = %q", got)
	}
	if h.b.lastSaved(t).UI.Language != langEnglish {
		t.Error("language not saved")
	}
}

// tapCheck taps a check box in the middle of its box, where fyne takes
// taps.
func tapCheck(c *widget.Check) {
	test.TapAt(c, fyne.NewPos(4, c.Size().Height/2))
}

// findButtons maps the text of every button under o to the button.
func findButtons(o fyne.CanvasObject) map[string]*widget.Button {
	out := map[string]*widget.Button{}
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if _, ok := out[w.Text]; !ok {
				out[w.Text] = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
