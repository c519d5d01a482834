package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// pressShortcut sends Ctrl (Cmd on macOS) with key as fyne's desktop
// driver does (internal/driver/glfw/window.go, triggersShortcut): to the
// main menu item that carries it, else to the focused widget when it
// takes shortcuts, else to the window's canvas.
func pressShortcut(w fyne.Window, key fyne.KeyName) {
	s := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
	if m := w.MainMenu(); m != nil {
		for _, menu := range m.Items {
			if menuShortcut(menu, s) {
				return
			}
		}
	}
	c := w.Canvas()
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(s)
}

// menuShortcut runs the action of m's item (or a child menu's) that
// carries s, as the driver does.
func menuShortcut(m *fyne.Menu, s fyne.Shortcut) bool {
	for _, it := range m.Items {
		if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() && it.Action != nil {
			it.Action()
			return true
		}
		if it.ChildMenu != nil && menuShortcut(it.ChildMenu, s) {
			return true
		}
	}
	return false
}

// pressKey sends key as the desktop driver does: to the focused widget,
// else to the canvas's key handler.
func pressKey(c fyne.Canvas, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if on := c.OnTypedKey(); on != nil {
		on(ev)
	}
}

func TestShortcuts(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(h *harness)
		key     fyne.KeyName
		wantTab int
		check   func(t *testing.T, h *harness)
	}{
		{name: "Ctrl+2 shows Calls", key: fyne.Key2, wantTab: 1},
		{name: "Ctrl+3 shows Settings", key: fyne.Key3, wantTab: 2},
		{name: "Ctrl+1 shows Hooks", setup: func(h *harness) { h.u.tabs.SelectIndex(2) }, key: fyne.Key1, wantTab: 0},
		{
			name: "a focused button passes them on",
			setup: func(h *harness) {
				h.u.win.Canvas().Focus(findButtons(h.u.hooks.page)["Add hook"])
			},
			key: fyne.Key3, wantTab: 2,
		},
		{
			name: "a focused text field passes them on",
			setup: func(h *harness) {
				h.u.tabs.SelectIndex(1)
				h.u.win.Canvas().Focus(h.u.calls.search)
				test.Type(h.u.calls.search, "Jane")
			},
			key: fyne.Key3, wantTab: 2,
			check: func(t *testing.T, h *harness) {
				if got := h.u.calls.search.Text; got != "Jane" {
					t.Errorf("search field holds %q, want what was typed", got)
				}
			},
		},
		{
			name: "Ctrl+N while typing in a field",
			setup: func(h *harness) {
				h.u.tabs.SelectIndex(1)
				h.u.win.Canvas().Focus(h.u.calls.search)
			},
			key: fyne.KeyN, wantTab: 0,
			check: func(t *testing.T, h *harness) {
				if e := h.u.hooks.editor; e == nil || !e.isNew {
					t.Errorf("editor %+v, want a new hook", e)
				}
			},
		},
		{
			name:  "Ctrl+N opens a new hook from another tab",
			setup: func(h *harness) { h.u.tabs.SelectIndex(2) },
			key:   fyne.KeyN, wantTab: 0,
			check: func(t *testing.T, h *harness) {
				if e := h.u.hooks.editor; e == nil || !e.isNew {
					t.Errorf("editor %+v, want a new hook", e)
				}
			},
		},
		{
			name: "Ctrl+N shows an open editor rather than replacing it",
			setup: func(h *harness) {
				h.u.hooks.edit("crm")
				h.u.tabs.SelectIndex(1)
			},
			key: fyne.KeyN, wantTab: 0,
			check: func(t *testing.T, h *harness) {
				if e := h.u.hooks.editor; e == nil || e.isNew || e.h.ID != "crm" {
					t.Errorf("editor %+v, want crm's still open", e)
				}
			},
		},
		{
			name:  "they wait while a dialog is open",
			setup: func(h *harness) { h.u.confirmDelete("Delete hook?", "Delete it?", func() {}) },
			key:   fyne.Key3, wantTab: 0,
		},
		{
			name:  "Ctrl+N waits while a dialog is open",
			setup: func(h *harness) { h.u.confirmDelete("Delete hook?", "Delete it?", func() {}) },
			key:   fyne.KeyN, wantTab: 0,
			check: func(t *testing.T, h *harness) {
				if h.u.hooks.editor != nil {
					t.Error("Ctrl+N opened the editor behind a dialog")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessApp(t, sampleConfig(), Options{})
			if tt.setup != nil {
				tt.setup(h)
			}
			pressShortcut(h.u.win, tt.key)
			h.settle()
			if got := h.u.tabs.SelectedIndex(); got != tt.wantTab {
				t.Errorf("tab %d, want %d", got, tt.wantTab)
			}
			if tt.check != nil {
				tt.check(t, h)
			}
		})
	}
}

// Ctrl+W closes the window, here into the tray, also while the cursor is
// in a text field.
func TestCloseWindowShortcutWhileTyping(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("crm")
	c := h.u.win.Canvas()
	c.Focus(h.u.hooks.editor.name)
	test.Type(h.u.hooks.editor.name, "x")
	pressShortcut(h.u.win, fyne.KeyW)
	if h.u.shown {
		t.Error("Ctrl+W in a text field left the window open")
	}
}

// The menu that carries the shortcuts speaks the window's language.
func TestMenuInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h := newHarnessApp(t, cfg, Options{})
	var got []string
	for _, m := range h.u.win.MainMenu().Items {
		got = append(got, m.Label)
		for _, it := range m.Items {
			if !it.IsSeparator {
				got = append(got, it.Label)
			}
		}
	}
	want := []string{"Datei", "Neuer Hook", "Fenster schließen", "Ansicht", "Hooks", "Anrufe", "Einstellungen"}
	if !slices.Equal(got, want) {
		t.Errorf("menu %q, want %q", got, want)
	}
}

// dialogButtons returns the buttons of the dialog on top of c by label.
func dialogButtons(t *testing.T, c fyne.Canvas) map[string]*dialogButton {
	t.Helper()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	out := map[string]*dialogButton{}
	visit(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*dialogButton); ok {
			out[b.Text] = b
		}
	})
	return out
}

// The Delete confirmation: Cancel is the default (focused: Enter takes
// it), Escape cancels, Delete is marked as destructive.
func TestDeleteConfirmation(t *testing.T) {
	tests := []struct {
		name       string
		answer     func(c fyne.Canvas, del *dialogButton)
		wantDelete bool
	}{
		{"Enter takes the default, Cancel", func(c fyne.Canvas, _ *dialogButton) { pressKey(c, fyne.KeyReturn) }, false},
		{"Escape cancels", func(c fyne.Canvas, _ *dialogButton) { pressKey(c, fyne.KeyEscape) }, false},
		{"Escape cancels with nothing focused", func(c fyne.Canvas, _ *dialogButton) {
			c.Unfocus()
			pressKey(c, fyne.KeyEscape)
		}, false},
		{"Space on Cancel cancels", func(c fyne.Canvas, _ *dialogButton) { pressKey(c, fyne.KeySpace) }, false},
		{"Tab to Delete, then Enter deletes", func(c fyne.Canvas, _ *dialogButton) {
			c.FocusNext()
			pressKey(c, fyne.KeyEnter)
		}, true},
		{"a click on Delete deletes", func(_ fyne.Canvas, del *dialogButton) { test.Tap(del) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessApp(t, sampleConfig(), Options{})
			h.u.confirm = h.u.confirmDelete
			c := h.u.win.Canvas()
			test.Tap(findButtons(h.u.hooks.list)["Delete"])
			bs := dialogButtons(t, c)
			cancel, del := bs["Cancel"], bs["Delete"]
			if cancel == nil || del == nil {
				t.Fatalf("dialog buttons %v, want Cancel and Delete", keys(bs))
			}
			if del.Importance != widget.DangerImportance {
				t.Errorf("Delete has importance %v, want danger", del.Importance)
			}
			if c.Focused() != cancel {
				t.Fatalf("focus on %v, want Cancel", c.Focused())
			}
			tt.answer(c, del)
			h.settle()
			if c.Overlays().Top() != nil || len(h.u.dialogs) != 0 {
				t.Error("the dialog is still open")
			}
			_, kept := h.u.cfg.Hook("crm")
			if kept == tt.wantDelete {
				t.Errorf("hook kept %v, want deleted %v", kept, tt.wantDelete)
			}
			if !tt.wantDelete && len(h.b.saved()) != 0 {
				t.Errorf("%d saves after cancelling", len(h.b.saved()))
			}
		})
	}
}

func TestDeleteConfirmationInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h := newHarnessApp(t, cfg, Options{})
	h.u.confirm = h.u.confirmDelete
	test.Tap(findButtons(h.u.hooks.list)["Löschen"])
	bs := dialogButtons(t, h.u.win.Canvas())
	if bs["Abbrechen"] == nil || bs["Löschen"] == nil {
		t.Errorf("dialog buttons %v, want Abbrechen and Löschen", keys(bs))
	}
}

// Escape closes a dialog shown through showDialog as its dismiss button
// does, and the placeholder menu, which fyne's pop-up menu closes itself.
func TestEscapeClosesDialogs(t *testing.T) {
	t.Run("a fyne dialog", func(t *testing.T) {
		h := newHarnessApp(t, sampleConfig(), Options{})
		answered, yes := false, true
		h.u.showDialog(dialog.NewConfirm("Question", "Really?", func(ok bool) { answered, yes = true, ok }, h.u.win))
		c := h.u.win.Canvas()
		if c.Overlays().Top() == nil {
			t.Fatal("no dialog shown")
		}
		pressKey(c, fyne.KeyEscape)
		if c.Overlays().Top() != nil {
			t.Error("Escape left the dialog open")
		}
		if !answered || yes {
			t.Errorf("answered %v, yes %v: want a no", answered, yes)
		}
		pressKey(c, fyne.KeyEscape) // nothing open: nothing happens
	})
	t.Run("the placeholder menu", func(t *testing.T) {
		h := newHarnessApp(t, sampleConfig(), Options{})
		h.u.hooks.edit("crm")
		e := h.u.hooks.editor
		url := e.url.Text
		insert := findButtons(e.content)["Insert placeholder"]
		if insert == nil {
			t.Fatal("no Insert placeholder button")
		}
		test.Tap(insert)
		c := h.u.win.Canvas()
		if _, ok := c.Focused().(*widget.PopUpMenu); !ok || c.Overlays().Top() == nil {
			t.Fatalf("focus on %T, want the open placeholder menu", c.Focused())
		}
		pressKey(c, fyne.KeyEscape)
		if c.Overlays().Top() != nil {
			t.Error("Escape left the placeholder menu open")
		}
		if e.url.Text != url {
			t.Errorf("URL %q after Escape, want it unchanged", e.url.Text)
		}
	})
}

// Focus shows: fyne draws a focused button otherwise than an unfocused
// one (Callhook keeps fyne's theme, whose focus colour does that).
func TestFocusIsVisible(t *testing.T) {
	h := newHarnessApp(t, sampleConfig(), Options{})
	add := findButtons(h.u.hooks.page)["Add hook"]
	before := test.RenderObjectToMarkup(add)
	h.u.win.Canvas().Focus(add)
	if after := test.RenderObjectToMarkup(add); after == before {
		t.Error("a focused button is drawn as an unfocused one")
	}
}
