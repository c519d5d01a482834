package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// policyOffNotice says that the administrator's policy switches every
// hook off: unlike the user's switch, nothing here turns them on.
func (h *hooksTab) policyOffNotice() *fyne.Container {
	text := widget.NewLabel(h.u.l.T("All hooks are switched off by your administrator's policy: none fires, not even for a simulated call."))
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.WarningImportance
	return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, text)
}

// managedRow shows a hook of the administrator's policy: marked as
// managed, viewed but not edited, duplicated or deleted. Its switch
// turns only where the policy lets the user switch it off.
func (h *hooksTab) managedRow(m hooks.ManagedHookState) fyne.CanvasObject {
	l := h.u.l
	hk := m.Hook
	id := hk.ID
	r, title, summary := h.newRow(hk, m.Runs, func(on bool) { h.setManagedOn(id, on) })
	h.managed[id] = r
	badge := widget.NewLabelWithStyle(l.T("Managed by your administrator"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	text := container.NewVBox(title, badge, summary)
	if note := managedNote(l, m); note != "" {
		// Fyne has no tooltips: why the switch does not turn is said here.
		n := widget.NewLabel(note)
		n.Wrapping = fyne.TextWrapWord
		text.Add(n)
	}
	for _, p := range h.u.cfg.PolicyWarnings(h.pol.Policy) {
		if p.Hook == id && p.Field == "url" {
			w := message(widget.WarningImportance)
			showMessage(w, l.Msg(p.Message))
			text.Add(w)
		}
	}
	if !m.UserCanDisable || !hk.Enabled {
		r.enabled.Disable()
	}
	test := widget.NewButtonWithIcon(l.T("Test"), theme.MediaPlayIcon(), func() {
		if m, ok := h.pol.Policy.Managed(id); ok {
			h.u.runTest(m.Hook.Clone(), firstTrigger(m.Triggers), r.result)
		}
	})
	view := widget.NewButtonWithIcon(l.T("Show"), theme.VisibilityIcon(), func() { h.view(id) })
	buttons := container.NewHBox(test, view)
	return container.NewVBox(container.NewBorder(nil, nil, r.enabled, container.NewCenter(buttons), text), r.result)
}

// managedNote says why a managed hook's switch does not turn, or "".
func managedNote(l tr, m hooks.ManagedHookState) string {
	switch {
	case !m.Hook.Enabled:
		return l.T("Switched off by your administrator's policy.")
	case !m.UserCanDisable:
		return l.T("Your administrator's policy keeps this hook on: you cannot switch it off.")
	}
	return ""
}

// setManagedOn is a managed hook's switch: the user's choice goes into
// the config (disabled_managed_hooks) and is saved at once. A hook the
// policy does not let the user switch off stays on.
func (h *hooksTab) setManagedOn(id string, on bool) {
	cfg := h.u.cfg.Clone()
	err := cfg.SetManagedHookOff(h.pol.Policy, id, !on)
	if err == nil {
		err = h.u.commit(cfg)
	}
	if err == nil {
		return
	}
	if r := h.managed[id]; r != nil {
		fn := r.enabled.OnChanged
		r.enabled.OnChanged = nil
		r.enabled.SetChecked(!on)
		r.enabled.OnChanged = fn
	}
	h.u.banner.show(bannerError, h.u.l.Tf("Could not save the settings: %v", h.u.l.errText(err)), "", nil)
}

// view opens a managed hook in the editor, read-only.
func (h *hooksTab) view(id string) {
	for _, m := range h.pol.Policy.ManagedHooks(h.u.cfg) {
		if m.Hook.ID == id {
			h.open(newManagedViewer(h.u, m))
			return
		}
	}
}

// reopenManaged shows the managed hook open in the editor as the policy
// now gives it, or closes the editor when the policy dropped it.
func (h *hooksTab) reopenManaged() {
	id := h.editor.h.ID
	if _, ok := h.pol.Policy.Managed(id); !ok {
		h.closeEditor()
		return
	}
	h.view(id)
}

// policyChanged brings an open editor in line with a new policy: a
// managed hook is shown anew (or the editor closes); a hook of the
// user's is checked again by the refresh that follows.
func (h *hooksTab) policyChanged() {
	if h.editor != nil && h.editor.readOnly {
		h.reopenManaged()
	}
}
