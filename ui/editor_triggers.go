package ui

import (
	"slices"
	"strings"

	"github.com/callhook/callhook/call"
)

// triggerColumn is one column of the editor's trigger choice: a kind of
// call and the moments of it a hook can fire on. The hook list and Test
// name triggers with the same words, never with their wire names.
type triggerColumn struct {
	title    string
	triggers []call.Trigger
	labels   []string
}

// triggerColumns returns the columns in the editor's order.
func triggerColumns(l tr) []triggerColumn {
	return []triggerColumn{
		{l.T("Outgoing calls"), []call.Trigger{call.OutgoingStart, call.OutgoingAnswer, call.OutgoingHangup},
			[]string{l.T("Call placed"), l.T("Answered"), l.T("Ended")}},
		{l.T("Incoming calls"), []call.Trigger{call.IncomingRing, call.IncomingAnswer, call.IncomingHangup, call.IncomingMissed},
			[]string{l.T("Ringing"), l.T("Answered"), l.T("Ended"), l.T("Missed")}},
		{l.T("Queue calls"), []call.Trigger{call.QueueRing, call.QueueAnswer, call.QueueHangup, call.QueueMissed},
			[]string{l.T("Ringing"), l.T("Answered"), l.T("Ended"), l.T("Missed")}},
	}
}

// triggerName words one trigger: "Incoming calls: Answered".
func triggerName(l tr, t call.Trigger) string {
	c := triggerColumnOf(l, t)
	if i := slices.Index(c.triggers, t); i >= 0 {
		return c.title + ": " + c.labels[i]
	}
	return string(t)
}

// triggerColumnOf returns the column that holds t; none holds a trigger
// this version does not know.
func triggerColumnOf(l tr, t call.Trigger) triggerColumn {
	for _, c := range triggerColumns(l) {
		if slices.Contains(c.triggers, t) {
			return c
		}
	}
	return triggerColumn{title: string(t)}
}

// triggerSummary words a hook's triggers by column, in the editor's
// order: "Incoming calls: Answered, Ended; Queue calls: Answered".
func triggerSummary(l tr, ts []call.Trigger) string {
	var parts []string
	known := map[call.Trigger]bool{}
	for _, c := range triggerColumns(l) {
		var chosen []string
		for i, ct := range c.triggers {
			known[ct] = true
			for _, t := range ts {
				if t == ct {
					chosen = append(chosen, c.labels[i])
					break
				}
			}
		}
		if len(chosen) > 0 {
			parts = append(parts, c.title+": "+strings.Join(chosen, ", "))
		}
	}
	for _, t := range ts {
		if !known[t] {
			parts = append(parts, string(t))
		}
	}
	return strings.Join(parts, "; ")
}
