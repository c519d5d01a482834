package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// How the Calls tab words a call and a delivery.

// timeLayout is how the tab shows a moment, in local time.
const timeLayout = "2006-01-02 15:04:05"

// simulatedIDPrefix starts the id of every simulated call (see
// sip.NewSimulationID): the journal keeps no other mark of them.
const simulatedIDPrefix = "sim-"

func simulated(c call.Call) bool { return strings.HasPrefix(c.ID, simulatedIDPrefix) }

// simulatedMark follows the party of a simulated call, so nobody takes it
// for a real caller.
func simulatedMark(l tr, c call.Call) string {
	if !simulated(c) {
		return ""
	}
	return " " + l.T("(simulated)")
}

func outcomeText(l tr, o call.Outcome) string {
	switch o {
	case call.Answered:
		return l.T("answered")
	case call.Missed:
		return l.T("missed")
	case call.Busy:
		return l.T("busy")
	case call.Rejected:
		return l.T("rejected")
	case call.Cancelled:
		return l.T("cancelled")
	case call.AnsweredElsewhere:
		return l.T("answered elsewhere")
	case call.Failed:
		return l.T("failed")
	}
	return sanitize(string(o), maxNoticeText)
}

func stateText(l tr, s hooks.State) string {
	switch s {
	case hooks.StatePending:
		return l.T("pending")
	case hooks.StateDelivered:
		return l.T("delivered")
	case hooks.StateFailed:
		return l.T("failed")
	case hooks.StateDropped:
		return l.T("skipped")
	}
	return sanitize(string(s), maxNoticeText)
}

// deliveryTrigger names a delivery's trigger as the editor does
// ("Incoming calls: Answered"); one this version does not know keeps its
// wire name, which comes from the journal and is sanitised.
func deliveryTrigger(l tr, t call.Trigger) string {
	return sanitize(triggerName(l, t), maxNoticeText)
}

func hookName(d DeliveryRow) string {
	if d.HookName == "" {
		return d.HookID
	}
	return d.HookName
}

// latencyText is how long the receiver took, or "" when there is nothing
// to time: a delivery that got no response ends in well under a
// millisecond when nothing listens, and "0 ms" would read as an instant
// answer.
func latencyText(d DeliveryRow) string {
	switch {
	case d.Latency >= time.Millisecond:
		return fmt.Sprintf("%d ms", d.Latency.Milliseconds())
	case d.Latency > 0 && d.StatusCode != 0:
		return "< 1 ms"
	}
	return ""
}
