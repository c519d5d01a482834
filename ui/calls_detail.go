package ui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

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
	c.u.showDialog(dlg)
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
	// The wire name follows in brackets: it is what the journal, the CSV
	// export and a receiver's payload say.
	trigger := deliveryTrigger(l, d.Trigger)
	if wire := sanitize(string(d.Trigger), maxNoticeText); wire != trigger {
		trigger += " (" + wire + ")"
	}
	add(l.T("Trigger"), trigger)
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
		e := add(l.T("Error"), sanitize(l.Msg(d.Err), maxDetailError))
		e.Importance = widget.DangerImportance
		e.Selectable = true
	}
	id := add(l.T("Webhook ID"), d.WebhookID)
	id.Selectable = true

	// The request as sent and every attempt come from the journal, a
	// moment later: the dialog opens at once and fills in.
	more := container.NewVBox(widget.NewLabel(l.T("Loading the request and the attempts…")))
	c.u.spawn(func() {
		detail, err := c.u.b.Delivery(c.u.ctx, d.WebhookID)
		c.u.do(func() { c.fillDetail(more, detail, err) })
	})

	box := container.NewVBox(form, more)
	if d.State == hooks.StateFailed {
		box.Add(container.NewHBox(c.resendButton(d.WebhookID)))
	}
	return box
}

// maxDetailLines caps the request and each response shown in the detail.
const maxDetailLines = 60

// fillDetail shows the request as sent and the attempts in box.
func (c *callsTab) fillDetail(box *fyne.Container, d DeliveryDetail, err error) {
	l := c.u.l
	box.RemoveAll()
	if err != nil {
		e := widget.NewLabel(l.Tf("The journal has no more on this delivery: %v", sanitize(err.Error(), maxDetailError)))
		e.Wrapping = fyne.TextWrapWord
		box.Add(e)
		return
	}
	if d.Request != "" {
		box.Add(widget.NewLabelWithStyle(l.T("Request as sent (secrets shown as ***)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(codeBlock(d.Request))
	}
	if len(d.Attempts) > 0 {
		box.Add(widget.NewLabelWithStyle(l.T("Attempts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for i, a := range d.Attempts {
		line := fmt.Sprintf("%d. %s", i+1, a.At.Local().Format(timeLayout))
		if a.StatusCode != 0 {
			line += fmt.Sprintf(" · HTTP %d", a.StatusCode)
		}
		if ms := latencyText(DeliveryRow{StatusCode: a.StatusCode, Latency: a.Latency}); ms != "" {
			line += " · " + ms
		}
		if a.Err != "" {
			line += " · " + sanitize(l.Msg(a.Err), maxDetailError)
		}
		t := widget.NewLabel(line)
		t.Wrapping = fyne.TextWrapWord
		box.Add(t)
		if a.Response != "" {
			box.Add(codeBlock(a.Response))
		}
	}
}

// codeBlock shows text from the network line by line, monospaced and
// selectable: control and bidi characters removed, long lines wrapped,
// at most maxDetailLines lines. Unlike a notification, a label shows
// < > & as they are.
func codeBlock(text string) fyne.CanvasObject {
	lines := strings.Split(strings.ToValidUTF8(text, "\uFFFD"), "\n")
	if len(lines) > maxDetailLines {
		lines = append(lines[:maxDetailLines], "…")
	}
	for i, line := range lines {
		lines[i] = strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case isBidiControl(r), unicode.IsControl(r), unicode.Is(unicode.Cf, r):
				return -1
			}
			return r
		}, line)
	}
	t := widget.NewLabelWithStyle(strings.Join(lines, "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	t.Wrapping = fyne.TextWrapBreak
	t.Selectable = true
	return t
}
