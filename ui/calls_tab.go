package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// historyLimit is how many calls the tab shows.
const historyLimit = 50

// livePoll refreshes the live calls' durations while the tab is visible.
const livePoll = time.Second

// callsTab shows calls in progress and the journal's history with each
// delivery's result. It loads only while visible: events that arrive while
// it is hidden just mark it stale.
type callsTab struct {
	u       *UI
	content fyne.CanvasObject
	live    *fyne.Container
	history *fyne.Container
	status  *widget.Label

	// The history as loaded, and the part of it the search and filter
	// keep: they work on what is loaded, without asking the backend.
	rows      []CallRow
	shown     []CallRow
	search    *widget.Entry
	filter    *widget.Select
	exportBtn *releaseButton
	// chooseFile asks where to save the export and hands back the file
	// opened for writing and its name; tests replace it.
	chooseFile func(name string, save func(w io.WriteCloser, where string))
	// saveDir is the folder of the last export, where the save dialog
	// opens; empty for the home folder.
	saveDir string
	// detail is the content of the delivery dialog shown last.
	detail fyne.CanvasObject

	active   bool
	stale    bool
	loading  bool
	ticker   *time.Ticker
	stopTick chan struct{}
}

func newCallsTab(u *UI) *callsTab {
	c := &callsTab{u: u, live: container.NewVBox(), history: container.NewVBox(), status: widget.NewLabel(""), stale: true}
	c.chooseFile = c.chooseFileDialog
	// One line, always there: a message must not push the list down
	// under the pointer.
	c.status.Truncation = fyne.TextTruncateEllipsis
	refresh := widget.NewButtonWithIcon(u.l.T("Refresh"), theme.ViewRefreshIcon(), c.load)
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(u.l.T("Search by number or name"))
	c.search.OnChanged = func(string) { c.applyFilter() }
	c.filter = widget.NewSelect(filterLabels(u.l), nil)
	// A select is as wide as its placeholder, which never shows here
	// since one option is always chosen: the longest keeps every option
	// (German ones are long) from being cut.
	c.filter.PlaceHolder = longest(c.filter.Options)
	c.filter.SetSelectedIndex(int(filterAll))
	c.filter.OnChanged = func(string) { c.applyFilter() }
	c.exportBtn = newReleaseButton(u.l.T("Export CSV"), theme.DocumentSaveIcon(), c.export)
	c.exportBtn.Disable()
	tools := container.NewBorder(nil, nil, bold(u.l.T("History")),
		container.NewHBox(c.filter, c.exportBtn, refresh), c.search)
	c.content = container.NewBorder(
		container.NewVBox(bold(u.l.T("Calls in progress")), c.live, widget.NewSeparator(), tools, c.status),
		nil, nil, nil, container.NewVScroll(c.history))
	c.showLive(nil)
	return c
}

// setActive starts loading and the live poll when the tab becomes
// visible, and stops the poll when it is hidden: a hidden window ticks
// nothing.
func (c *callsTab) setActive(on bool) {
	if on == c.active {
		return
	}
	c.active = on
	if !on {
		if c.stopTick != nil {
			close(c.stopTick)
			c.ticker.Stop()
			c.stopTick = nil
		}
		return
	}
	if c.stale {
		c.load()
	}
	c.pollLive()
	c.ticker = time.NewTicker(livePoll)
	stop := make(chan struct{})
	c.stopTick = stop
	go func(t *time.Ticker) {
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.u.do(func() {
					if c.active {
						c.pollLive()
					}
				})
			}
		}
	}(c.ticker)
}

// changed is called for call and delivery events.
func (c *callsTab) changed() {
	c.stale = true
	if c.active {
		c.pollLive()
		c.load()
	}
}

func (c *callsTab) pollLive() {
	c.u.spawn(func() {
		calls := c.u.b.ActiveCalls()
		c.u.do(func() { c.showLive(calls) })
	})
}

func (c *callsTab) showLive(calls []call.Call) {
	c.live.RemoveAll()
	if len(calls) == 0 {
		c.live.Add(widget.NewLabel(c.u.l.T("No call in progress.")))
		return
	}
	now := time.Now()
	for _, cl := range calls {
		state := c.u.l.T("ringing")
		if !cl.Answer.IsZero() {
			state = c.u.l.Tf("talking %s", clock(cl.Duration(now)))
		}
		c.live.Add(widget.NewLabel(fmt.Sprintf("%s %s%s · %s", arrow(c.u.l, cl.Direction), party(cl.Remote()), simulatedMark(c.u.l, cl), state)))
	}
}

// load reads the history in the background; one load at a time.
func (c *callsTab) load() {
	if c.loading {
		return
	}
	c.loading, c.stale = true, false
	c.u.spawn(func() {
		ctx, cancel := context.WithTimeout(c.u.ctx, 10*time.Second)
		defer cancel()
		rows, err := c.u.b.History(ctx, historyLimit)
		c.u.do(func() {
			c.loading = false
			if err != nil {
				c.status.SetText(c.u.l.Tf("Could not read the history: %v", err))
			} else {
				c.status.SetText("")
				c.showHistory(rows)
			}
			// An event during the load marked the tab stale but could not
			// start a load of its own: what it changed may have been read
			// before it happened.
			if c.stale && c.active {
				c.load()
			}
		})
	})
}

func (c *callsTab) showHistory(rows []CallRow) {
	c.rows = rows
	c.applyFilter()
}

// applyFilter shows the loaded calls the search and filter keep; it runs
// on every key typed, so it only reads what is loaded.
func (c *callsTab) applyFilter() {
	cc := c.u.cfg.CountryCode
	c.shown = filterHistory(c.rows, newQuery(c.search.Text, cc), historyFilter(c.filter.SelectedIndex()), cc)
	if len(c.shown) == 0 {
		c.exportBtn.Disable()
	} else {
		c.exportBtn.Enable()
	}
	c.history.RemoveAll()
	switch {
	case len(c.rows) == 0:
		c.history.Add(widget.NewLabel(c.u.l.T("No calls yet. Use \"Simulate a call\" on the Hooks tab to see hooks fire.")))
	case len(c.shown) == 0:
		c.history.Add(widget.NewLabel(c.u.l.Tf("None of the last %d calls matches.", len(c.rows))))
	}
	for _, r := range c.shown {
		c.history.Add(c.callRow(r))
	}
}

func (c *callsTab) callRow(r CallRow) fyne.CanvasObject {
	l := c.u.l
	cl := r.Call
	head := fmt.Sprintf("%s %s%s · %s", arrow(c.u.l, cl.Direction), party(cl.Remote()), simulatedMark(l, cl), cl.Start.Local().Format(timeLayout))
	if cl.Queue != "" {
		head += " · " + l.Tf("queue %s", sanitize(cl.Queue, maxNoticeText))
	}
	if cl.Outcome != "" {
		head += " · " + outcomeText(l, cl.Outcome)
	}
	if d := cl.Duration(cl.End); d > 0 {
		head += " · " + clock(d)
	}
	box := container.NewVBox(bold(head))
	if len(r.Deliveries) == 0 {
		none := l.T("No hook fired for this call.")
		switch {
		case !c.u.policy().Enabled():
			none = l.T("No hook fired for this call: your administrator's policy switches all hooks off.")
		case !c.u.cfg.Enabled:
			none = l.T("No hook fired for this call: all hooks are switched off.")
		}
		box.Add(widget.NewLabel("    " + none))
	}
	for _, d := range r.Deliveries {
		box.Add(c.deliveryRow(r, d))
	}
	box.Add(widget.NewSeparator())
	return box
}

func (c *callsTab) deliveryRow(r CallRow, d DeliveryRow) fyne.CanvasObject {
	l := c.u.l
	icon := widget.NewIcon(theme.ConfirmIcon())
	switch d.State {
	case hooks.StateFailed:
		icon.SetResource(theme.ErrorIcon())
	case hooks.StatePending:
		icon.SetResource(theme.HistoryIcon())
	case hooks.StateDropped:
		icon.SetResource(theme.ContentRemoveIcon())
	}
	parts := []string{hookName(d), deliveryTrigger(l, d.Trigger), stateText(l, d.State)}
	if d.StatusCode != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", d.StatusCode))
	}
	if ms := latencyText(d); ms != "" {
		parts = append(parts, ms)
	}
	if d.Attempts > 1 {
		parts = append(parts, l.Tf("%d attempts", d.Attempts))
	}
	text := widget.NewLabel(strings.Join(parts, " · "))
	text.Truncation = fyne.TextTruncateEllipsis
	details := widget.NewButtonWithIcon(l.T("Details"), theme.InfoIcon(), func() { c.showDetail(r, d) })
	details.Importance = widget.LowImportance
	right := container.NewHBox(details)
	if d.State == hooks.StateFailed {
		right.Add(c.resendButton(d.WebhookID))
	}
	row := container.NewBorder(nil, nil, icon, right, text)
	if d.Err == "" {
		return row
	}
	errText := widget.NewLabel(sanitize(c.u.l.Msg(d.Err), 200))
	errText.Importance = widget.DangerImportance
	errText.Wrapping = fyne.TextWrapWord
	return container.NewVBox(row, errText)
}

func (c *callsTab) resendButton(id string) *widget.Button {
	var btn *widget.Button
	btn = widget.NewButtonWithIcon(c.u.l.T("Re-send"), theme.MailSendIcon(), func() { c.resend(id, btn) })
	return btn
}

func (c *callsTab) resend(id string, btn *widget.Button) {
	btn.Disable()
	c.u.spawn(func() {
		err := c.u.b.Resend(c.u.ctx, id)
		c.u.do(func() {
			if err != nil {
				btn.Enable()
				c.status.SetText(c.u.l.Tf("Could not re-send: %v", err))
				return
			}
			btn.SetText(c.u.l.T("Queued"))
			c.status.SetText(c.u.l.T("Delivery queued again."))
		})
	})
}

func arrow(l tr, d call.Direction) string {
	if d == call.Out {
		return l.T("Outgoing")
	}
	return l.T("Incoming")
}

// party shows a remote party; it is caller-supplied text.
func party(p call.Party) string {
	if p.Name == "" {
		return sanitize(p.Number, maxNoticeText)
	}
	return sanitize(p.Name, maxNoticeText) + " " + sanitize(p.Number, maxNoticeText)
}

func clock(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
