package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/callhook/callhook/assets"
	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

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

func TestExternalChangeWithEditorOpen(t *testing.T) {
	tests := []struct {
		name       string
		dirty      bool // the editor holds an edit that does not validate
		wantReload bool
	}{
		{"saved editor follows the file", false, true},
		{"unsaved edit asks first", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.json")
			if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, sampleConfig(), Options{ConfigPath: path})
			changed := sampleConfig()
			changed.Hooks[0].URL = "https://crm2.example.com/?p={remote}"
			reloads := 0
			h.b.ReloadFn = func() (*hooks.Config, error) { reloads++; return changed.Clone(), nil }
			h.u.hooks.edit("crm")
			if tt.dirty {
				h.u.hooks.editor.url.SetText("ftp://bad")
			}
			if err := os.WriteFile(path, []byte(`{"version":1}`), 0o600); err != nil {
				t.Fatal(err)
			}
			h.u.watch.poll()
			h.settle()
			if got := reloads == 1; got != tt.wantReload {
				t.Fatalf("reloaded %d times", reloads)
			}
			if !tt.wantReload {
				if h.u.banner.message() == "" || h.u.hooks.editor.url.Text != "ftp://bad" {
					t.Fatal("no conflict shown, or the edit was lost")
				}
				return
			}
			if got := h.u.hooks.editor.url.Text; got != changed.Hooks[0].URL {
				t.Errorf("editor shows %q, want the URL from disk", got)
			}
		})
	}
}

func TestCloseHidesToTrayOrQuits(t *testing.T) {
	tests := []struct {
		name     string
		tray     bool
		wantQuit bool
	}{
		{"with a tray the window hides", true, false},
		{"without a tray closing quits", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessApp(t, sampleConfig(), Options{Tray: tt.tray})
			if (h.u.tray != nil) != tt.tray {
				t.Fatalf("tray = %v, want %v", h.u.tray != nil, tt.tray)
			}
			h.u.tabs.SelectIndex(1) // Calls: its live poll runs while shown
			if !h.u.calls.active {
				t.Fatal("calls poll not running on a shown Calls tab")
			}
			h.u.closeRequested()
			if h.u.stopped != tt.wantQuit {
				t.Errorf("stopped = %v, want %v", h.u.stopped, tt.wantQuit)
			}
			if h.u.shown && !tt.wantQuit {
				t.Error("window still shown after close with a tray")
			}
			if h.u.calls.active {
				t.Error("calls poll still running with the window closed")
			}
			if tt.tray {
				h.u.show()
				if !h.u.calls.active || !h.u.shown {
					t.Error("showing again did not resume the Calls tab")
				}
			}
		})
	}
}

func TestStartMinimisedOnlyWithTray(t *testing.T) {
	for _, tray := range []bool{true, false} {
		cfg := sampleConfig()
		cfg.UI.StartMinimised = true
		h := newHarnessApp(t, cfg, Options{Tray: tray})
		if h.u.shown != !tray {
			t.Errorf("tray %v: shown = %v", tray, h.u.shown)
		}
	}
}

func TestSourceStatusIsLive(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: "error", Err: "bind 127.0.0.1:5070: address already in use"}})
	h.settle()
	if got := h.u.settings.status.Text; !strings.Contains(got, "Error") || !strings.Contains(got, "address already in use") {
		t.Errorf("status = %q", got)
	}
	if h.app.icon != assets.TrayError {
		t.Error("tray icon does not show the source error")
	}
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: "listening", Detail: "127.0.0.1:5070 (udp)"}})
	h.settle()
	if got := h.u.settings.status.Text; got != "Listening · 127.0.0.1:5070 (udp)" {
		t.Errorf("status = %q", got)
	}
	if h.app.icon != assets.TrayEnabled {
		t.Error("tray icon still shows an error")
	}
}

// Ctrl+W closes the window as its close button does: in the window
// process (no tray of its own) that ends the process.
func TestShortcutClosesWindow(t *testing.T) {
	h := newHarnessApp(t, sampleConfig(), Options{})
	pressShortcut(h.u.win, fyne.KeyW)
	if !h.u.stopped {
		t.Error("Ctrl+W did not close the window")
	}
}

// The agent's ShowWindow event (tray Show, a second launch) brings a
// hidden window back.
func TestShowWindowEventShows(t *testing.T) {
	h := newHarnessApp(t, sampleConfig(), Options{Tray: true})
	h.u.hide()
	h.u.handle(Event{Kind: ShowWindow})
	if !h.u.shown {
		t.Error("ShowWindow did not show the window")
	}
}
