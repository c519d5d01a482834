package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// buildPolicy makes the policy's line and the notes on what it decides.
func (s *settingsTab) buildPolicy() {
	l := s.u.l
	s.policyLine = widget.NewLabel("")
	s.policyLine.Wrapping = fyne.TextWrapWord
	s.policyBox = container.NewVBox(section(l.T("Administrator's policy")), s.policyLine)
	s.globalNote = message(widget.WarningImportance)
	s.sourceNote = message(widget.WarningImportance)
}

// source is the call source in force: the policy's when it fixes one,
// else the user's.
func (s *settingsTab) source() hooks.Source {
	if p := s.u.policy(); p != nil && p.Source != nil {
		return *p.Source
	}
	return s.u.cfg.Source
}

// sourceFixed reports that the policy fixes the call source.
func (s *settingsTab) sourceFixed() bool {
	p := s.u.policy()
	return p != nil && p.Source != nil
}

// showPolicy shows which policy is in force, and locks what it decides:
// the global switch when it switches hooks off, the source fields when
// it fixes the source.
func (s *settingsTab) showPolicy() {
	l := s.u.l
	st := s.u.policyStatus()
	text := policyText(l, st)
	s.policyLine.Importance = widget.MediumImportance
	if st.Error != "" {
		s.policyLine.Importance = widget.DangerImportance
	}
	s.policyLine.SetText(text)
	setVisible(s.policyBox, text != "")

	if st.Policy.Enabled() {
		s.global.Enable()
		showMessage(s.globalNote, "")
	} else {
		s.global.Disable()
		showMessage(s.globalNote, l.T("Switched off by your administrator's policy: no hook fires, whatever this switch says."))
	}

	fixed := s.sourceFixed()
	switch {
	case fixed:
		for _, o := range []fyne.CanvasObject{s.mode, s.proxy.content, s.dialog.content} {
			disableAll(o)
		}
		s.sourceLocked = true
		showMessage(s.sourceNote, l.T("Set by your administrator's policy: these settings cannot be changed here."))
	case s.sourceLocked:
		for _, o := range []fyne.CanvasObject{s.mode, s.proxy.content, s.dialog.content} {
			enableAll(o)
		}
		s.proxy.leg.showTLS()
		s.dialog.leg.showTLS()
		s.sourceLocked = false
		fallthrough
	default:
		showMessage(s.sourceNote, "")
	}
}
