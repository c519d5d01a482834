package ui

import "fyne.io/fyne/v2/widget"

// unsaved reports input in the Settings tab that is not saved: a source
// value typed and not applied yet, or a value refused, whose problem
// shows next to its field (a refused value stays in its field, the
// config keeps the last good one).
func (s *settingsTab) unsaved() bool {
	if s.typed {
		return true
	}
	lines := []*widget.Label{s.problems, s.sourceProblem, s.countryProblem, s.queues.problem}
	for _, f := range []fieldProblems{s.proxy.problems, s.dialog.problems} {
		for _, m := range f.lines {
			lines = append(lines, m)
		}
	}
	for _, m := range lines {
		if m.Visible() && m.Text != "" {
			return true
		}
	}
	return false
}
