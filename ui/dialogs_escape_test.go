package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// Escape closes every dialog of the window with its safe answer: the
// delivery detail, the editor's undo question (keep) and "New from
// preset" (add nothing), also from a field of the preset form.
func TestEscapeClosesEveryDialog(t *testing.T) {
	tests := []struct {
		name  string
		open  func(t *testing.T, h *harness)
		check func(t *testing.T, h *harness, saves int)
	}{
		{
			name: "delivery detail",
			open: func(t *testing.T, h *harness) {
				r := CallRow{Call: call.Call{ID: "c1", Direction: call.In, Start: sampleStart()}}
				h.u.calls.showDetail(r, DeliveryRow{WebhookID: "w1", HookName: "Log call", State: hooks.StateFailed})
			},
		},
		{
			name: "undo question",
			open: func(t *testing.T, h *harness) {
				h.u.hooks.edit("crm")
				e := h.u.hooks.editor
				untick(e, 1, "Answered")
				h.settle()
				test.Tap(undoButton(t, e))
			},
			check: func(t *testing.T, h *harness, saves int) {
				if len(h.b.saved()) != saves {
					t.Error("Escape undid the changes")
				}
				if hk, _ := h.u.cfg.Hook("crm"); !slices.Equal(hk.Triggers, []call.Trigger{call.QueueAnswer}) {
					t.Errorf("triggers %v after Escape, want the edit kept", hk.Triggers)
				}
			},
		},
		{
			name: "new from preset",
			open: func(t *testing.T, h *harness) { test.Tap(button(t, h.u.hooks.page, "New from preset")) },
			check: func(t *testing.T, h *harness, saves int) {
				if len(h.b.saved()) != saves || len(h.u.cfg.Hooks) != 2 {
					t.Error("Escape added a hook")
				}
			},
		},
		{
			name: "new from preset, typing in a field",
			open: func(t *testing.T, h *harness) {
				h.u.hooks.fromPreset()
				top := h.u.win.Canvas().Overlays().Top()
				visit(top, func(o fyne.CanvasObject) {
					if s, ok := o.(*widget.Select); ok {
						s.SetSelected("Salesforce: log the call")
					}
				})
				var field *dialogEntry
				visit(top, func(o fyne.CanvasObject) {
					if e, ok := o.(*dialogEntry); ok && field == nil {
						field = e
					}
				})
				if field == nil {
					t.Fatal("the preset form has no field")
				}
				h.u.win.Canvas().Focus(field)
				test.Type(field, "acme")
			},
			check: func(t *testing.T, h *harness, saves int) {
				if len(h.b.saved()) != saves {
					t.Error("Escape added a hook")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, undoConfig(), Options{})
			tt.open(t, h)
			h.settle()
			c := h.u.win.Canvas()
			if c.Overlays().Top() == nil {
				t.Fatal("no dialog open")
			}
			saves := len(h.b.saved())
			pressKey(c, fyne.KeyEscape)
			h.settle()
			if c.Overlays().Top() != nil || len(h.u.dialogs) != 0 {
				t.Error("Escape left the dialog open")
			}
			if tt.check != nil {
				tt.check(t, h, saves)
			}
		})
	}
}
