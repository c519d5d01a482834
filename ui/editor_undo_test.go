package ui

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// undoConfig is sampleConfig with hooks that use every field the editor
// writes: several triggers, headers (one a keychain reference), timeout,
// retries and a signing key.
func undoConfig() *hooks.Config {
	cfg := sampleConfig()
	cfg.Hooks[0].Triggers = []call.Trigger{call.IncomingAnswer, call.QueueAnswer}
	retries := 2
	log := &cfg.Hooks[1]
	log.Triggers = []call.Trigger{call.IncomingHangup, call.OutgoingHangup}
	log.Headers = map[string]string{
		"X-Zeta":        "last",
		"Accept":        "application/json",
		"Authorization": "Bearer {secret.log-authorization}",
	}
	log.Timeout = hooks.Duration(7 * time.Second)
	log.Retries = &retries
	log.SigningSecret = "log-signing"
	return cfg
}

// fileOf returns the config file hooks.Save writes for cfg.
func fileOf(t *testing.T, cfg *hooks.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := hooks.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	b, err := hooks.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// answer taps the button labelled choice in the dialog on top of the
// window, after checking that the dialog asks title.
func answer(t *testing.T, h *harness, title, choice string) {
	t.Helper()
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no question asked, want %q", title)
	}
	if text := labels(top); !strings.Contains(text, title) {
		t.Fatalf("the dialog asks %q, want %q", text, title)
	}
	test.Tap(button(t, top, choice))
	h.settle()
}

// assertRestored fails unless the last save holds exactly the config the
// editor opened on, and the file written from it is the original file.
func assertRestored(t *testing.T, h *harness, orig *hooks.Config, id string) {
	t.Helper()
	last := h.b.lastSaved(t)
	want, _ := orig.Hook(id)
	got, ok := last.Hook(id)
	if !ok || !reflect.DeepEqual(*got, *want) {
		t.Errorf("saved hook %s:\n%+v\nwant\n%+v", id, got, want)
	}
	if a, b := fileOf(t, last), fileOf(t, orig); a != b {
		t.Errorf("config file after undo:\n%s\nwant\n%s", a, b)
	}
}

// button returns the button labelled text under o.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b := findButtons(o)[text]
	if b == nil {
		t.Fatalf("no %q button; there are %v", text, keys(findButtons(o)))
	}
	return b
}

func undoButton(t *testing.T, e *editor) *widget.Button {
	t.Helper()
	return button(t, e.content, "Undo changes")
}

// untick unticks the trigger labelled label in the trigger group g.
func untick(e *editor, g int, label string) {
	c := e.groups[g].check
	c.SetSelected(slices.DeleteFunc(slices.Clone(c.Selected), func(s string) bool { return s == label }))
}

// Issue #11, point 2: unticking a trigger saves at once; undoing puts the
// hook back exactly as it was, in one save.
func TestUndoRestoresTheHookAsOpened(t *testing.T) {
	tests := []struct {
		name string
		id   string
		edit func(h *harness, e *editor)
		undo func(t *testing.T, h *harness, e *editor)
		// closes: the editor goes back to the list after the undo (Back
		// was used, not the Undo button).
		closes bool
	}{
		{"untick a trigger, Undo changes", "crm",
			func(h *harness, e *editor) { untick(e, 1, "Answered") },
			func(t *testing.T, h *harness, e *editor) {
				test.Tap(undoButton(t, e))
				answer(t, h, "Undo your changes to this hook?", "Undo changes")
			}, false},
		{"untick a trigger, break the URL, Back, Undo changes", "crm",
			func(h *harness, e *editor) {
				untick(e, 1, "Answered")
				h.settle()
				e.url.SetText("ftp://bad")
			},
			func(t *testing.T, h *harness, e *editor) {
				test.Tap(button(t, e.content, "Back to the list"))
				answer(t, h, "Undo your changes to this hook?", "Undo changes")
			}, true},
		{"many edits of a POST hook, Undo changes", "log",
			func(h *harness, e *editor) {
				untick(e, 0, "Ended")
				h.settle()
				e.timeout.SetText("30s")
				h.settle()
				e.retries.SetText("")
				h.settle()
				e.name.SetText("Renamed")
				h.settle()
				for _, r := range e.headers.rows {
					if r.key.Text == "Accept" {
						e.headers.remove(r)
						break
					}
				}
				h.settle()
				e.headers.add("X-New", "")
				r := e.headers.rows[len(e.headers.rows)-1]
				r.value.SetText("plain")
				e.headers.settle(r)
				h.settle()
				test.Tap(button(t, e.signing.content, "Remove"))
			},
			func(t *testing.T, h *harness, e *editor) {
				test.Tap(undoButton(t, e))
				answer(t, h, "Undo your changes to this hook?", "Undo changes")
			}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := undoConfig()
			h := newHarness(t, orig.Clone(), Options{})
			h.u.hooks.edit(tt.id)
			e := h.u.hooks.editor
			if !tt.closes && !undoButton(t, e).Disabled() {
				t.Error("Undo changes is enabled before any change")
			}
			tt.edit(h, e)
			h.settle()
			if saved, _ := h.b.lastSaved(t).Hook(tt.id); reflect.DeepEqual(*saved, orig.Hooks[slices.IndexFunc(orig.Hooks, func(x hooks.Hook) bool { return x.ID == tt.id })]) {
				t.Fatal("the edit was not autosaved: the test proves nothing")
			}
			if !tt.closes && undoButton(t, e).Disabled() {
				t.Fatal("Undo changes is disabled after a change")
			}
			before := len(h.b.saved())
			tt.undo(t, h, e)
			if n := len(h.b.saved()) - before; n != 1 {
				t.Errorf("undo saved %d times, want once", n)
			}
			assertRestored(t, h, orig, tt.id)
			if tt.closes {
				if h.u.hooks.editor != nil {
					t.Error("the editor is still open")
				}
				return
			}
			ne := h.u.hooks.editor
			if ne == nil || ne == e {
				t.Fatal("the editor was not reloaded with the hook as it was")
			}
			if ne.unsaved || !undoButton(t, ne).Disabled() {
				t.Errorf("after undo: unsaved %v, Undo enabled %v", ne.unsaved, !undoButton(t, ne).Disabled())
			}
			// Later work of the old editor writes nothing.
			e.changed()
			h.settle()
			assertRestored(t, h, orig, tt.id)
		})
	}
}

func TestKeepChangesKeepsThem(t *testing.T) {
	tests := []struct {
		name, button, keep string
		bad                bool
	}{
		{"Undo button", "Undo changes", "Keep changes", false},
		{"Back with a problem", "Back to the list", "Keep editing", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, undoConfig(), Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			untick(e, 1, "Answered")
			h.settle()
			if tt.bad {
				e.url.SetText("ftp://bad")
			}
			n := len(h.b.saved())
			test.Tap(button(t, e.content, tt.button))
			answer(t, h, "Undo your changes to this hook?", tt.keep)
			if len(h.b.saved()) != n {
				t.Error("keeping the changes saved something")
			}
			if hk, _ := h.b.lastSaved(t).Hook("crm"); !slices.Equal(hk.Triggers, []call.Trigger{call.QueueAnswer}) {
				t.Errorf("saved triggers %v, want the edit kept", hk.Triggers)
			}
			if h.u.hooks.editor != e {
				t.Error("the editor was left")
			}
		})
	}
}

// A hook created in this editor is taken out again.
func TestUndoRemovesANewHook(t *testing.T) {
	tests := []struct {
		name   string
		button string
		bad    bool // leave the URL broken after the first save
	}{
		{"Undo button", "Undo changes", false},
		{"Back with a problem", "Back to the list", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := sampleConfig()
			h := newHarness(t, orig.Clone(), Options{})
			test.Tap(button(t, h.u.hooks.page, "Add hook"))
			e := h.u.hooks.editor
			e.name.SetText("My CRM")
			e.url.SetText("https://crm.example.com/?p={remote}")
			h.settle()
			if _, ok := h.b.lastSaved(t).Hook("my-crm"); !ok {
				t.Fatal("the new hook was not saved: the test proves nothing")
			}
			if tt.bad {
				e.url.SetText("ftp://bad")
				h.settle()
			}
			before := len(h.b.saved())
			test.Tap(button(t, e.content, tt.button))
			answer(t, h, "Undo your changes to this hook?", "Undo changes")
			if n := len(h.b.saved()) - before; n != 1 {
				t.Errorf("undo saved %d times, want once", n)
			}
			if a, b := fileOf(t, h.b.lastSaved(t)), fileOf(t, orig); a != b {
				t.Errorf("config file after undo:\n%s\nwant\n%s", a, b)
			}
			if h.u.hooks.editor != nil {
				t.Error("the editor is still open on a hook that is gone")
			}
		})
	}
}

// Secrets stored while editing may stay in the keychain; after undo the
// config refers to none of them.
func TestUndoLeavesNoSecretReference(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, h *harness, e *editor)
	}{
		{"secret header", func(t *testing.T, h *harness, e *editor) {
			e.headers.add("", "")
			r := e.headers.rows[len(e.headers.rows)-1]
			r.key.SetText("X-Api-Key")
			h.settle()
			tapCheck(r.secret)
			r.value.SetText("k3y-value-123")
			r.value.OnSubmitted(r.value.Text)
		}},
		{"signing key", func(t *testing.T, h *harness, e *editor) {
			test.Tap(button(t, e.content, "Generate"))
		}},
		{"URL password", func(t *testing.T, h *harness, e *editor) {
			e.url.SetText("https://max:hunter2pass@crm.example.com/api")
			h.settle()
			test.Tap(button(t, e.urlHint, "Store in keychain"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := sampleConfig()
			h := newHarness(t, orig.Clone(), Options{})
			h.u.hooks.edit("log")
			e := h.u.hooks.editor
			tt.edit(t, h, e)
			h.settle()
			if b, _ := json.Marshal(h.b.lastSaved(t)); !strings.Contains(string(b), "secret") {
				t.Fatalf("no secret saved: the test proves nothing:\n%s", b)
			}
			test.Tap(undoButton(t, e))
			answer(t, h, "Undo your changes to this hook?", "Undo changes")
			assertRestored(t, h, orig, "log")
			if b, _ := json.Marshal(h.b.lastSaved(t)); strings.Contains(string(b), "secret") {
				t.Errorf("after undo the config refers to a secret:\n%s", b)
			}
		})
	}
}

// An undo while the keychain is still busy wins over the answer that
// comes after it.
func TestUndoWinsOverALateKeychainAnswer(t *testing.T) {
	orig := sampleConfig()
	h := newHarness(t, orig.Clone(), Options{})
	release := make(chan struct{})
	h.b.SetSecretFn = func(name, value string) error { <-release; return nil }
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	e.timeout.SetText("30s")
	h.settle()
	test.Tap(button(t, e.content, "Generate"))
	test.Tap(undoButton(t, e))
	test.Tap(button(t, h.u.win.Canvas().Overlays().Top(), "Undo changes"))
	close(release)
	h.settle()
	assertRestored(t, h, orig, "log")
}
