package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// maxDetailError caps a delivery's error in the detail view: enough for a
// whole transport error, which the row cuts at 200.
const maxDetailError = 1000

// showDetail opens a dialog with everything the history knows about one
// delivery of call r.
func (c *callsTab) showDetail(r CallRow, d DeliveryRow) {
	c.detail = c.detailContent(r, d)
	dlg := dialog.NewCustom(c.u.l.T("Delivery"), c.u.l.T("Close"), c.detail, c.u.win)
	dlg.Resize(fyne.NewSize(600, 0))
	dlg.Show()
}

func (c *callsTab) detailContent(r CallRow, d DeliveryRow) fyne.CanvasObject {
	l := c.u.l
	cl := r.Call
	form := widget.NewForm()
	add := func(label, value string) *widget.Label {
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapWord
		form.Append(label, v)
		return v
	}
	callText := fmt.Sprintf("%s %s%s · %s", arrow(l, cl.Direction), party(cl.Remote()), simulatedMark(l, cl), cl.Start.Local().Format(timeLayout))
	if cl.Queue != "" {
		callText += " · " + l.Tf("queue %s", sanitize(cl.Queue, maxNoticeText))
	}
	add(l.T("Call"), callText)
	hook := hookName(d)
	if d.HookName != "" && d.HookID != "" && d.HookID != d.HookName {
		hook += " (" + d.HookID + ")"
	}
	add(l.T("Hook"), hook)
	add(l.T("Trigger"), string(d.Trigger))
	if d.Action != "" {
		add(l.T("Action"), d.Action)
	}
	add(l.T("State"), stateText(l, d.State))
	if d.StatusCode != 0 {
		add(l.T("HTTP status"), strconv.Itoa(d.StatusCode))
	}
	add(l.T("Attempts"), strconv.Itoa(d.Attempts))
	if ms := latencyText(d); ms != "" {
		add(l.T("Latency"), ms)
	}
	if !d.At.IsZero() {
		add(l.T("Time"), d.At.Local().Format(timeLayout))
	}
	// The error is the engine's text with the hook's secrets already
	// masked (hooks.SecretRecorder), but it quotes what the receiver or
	// the network said: it is shown sanitised, like a caller's name.
	if d.Err != "" {
		e := add(l.T("Error"), sanitize(d.Err, maxDetailError))
		e.Importance = widget.DangerImportance
		e.Selectable = true
	}
	id := add(l.T("Webhook ID"), d.WebhookID)
	id.Selectable = true

	// TODO(issue 11): the request sent and the start of the response
	// belong here, below the fields. DeliveryRow carries neither: the
	// journal keeps each attempt's response excerpt, masked
	// (attempts.response), and the hook and call as they were when the
	// delivery was made (deliveries.hook_json, call_json), from which the
	// request can be rendered again with its secrets masked. Once Backend
	// returns them, show each as a read-only, sanitised block here.

	box := container.NewVBox(form)
	if d.State == hooks.StateFailed {
		box.Add(container.NewHBox(c.resendButton(d.WebhookID)))
	}
	return box
}
