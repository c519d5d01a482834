package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// testTimeout bounds "Test": a hook's own timeout plus this margin.
const testTimeout = 5 * time.Second

// hooksTab lists the hooks; the editor replaces the list while open.
type hooksTab struct {
	u       *UI
	content *fyne.Container // stack: the list page or the editor
	list    *fyne.Container
	page    fyne.CanvasObject
	status  *widget.Label // result of "Simulate a call"
	editor  *editor
	rows    map[string]*hookRow
}

type hookRow struct {
	enabled *widget.Check
	result  *widget.Label
}

func newHooksTab(u *UI) *hooksTab {
	h := &hooksTab{u: u, list: container.NewVBox(), status: widget.NewLabel("")}
	h.status.Wrapping = fyne.TextWrapWord
	h.status.Hide()
	add := widget.NewButtonWithIcon(u.l.T("Add hook"), theme.ContentAddIcon(), h.add)
	add.Importance = widget.HighImportance
	preset := widget.NewButtonWithIcon(u.l.T("New from preset"), theme.ContentAddIcon(), h.fromPreset)
	sim := widget.NewButtonWithIcon(u.l.T("Simulate a call"), theme.MediaPlayIcon(), h.simulate)
	bar := container.NewHBox(add, preset, sim)
	h.page = container.NewBorder(container.NewVBox(bar, h.status), nil, nil, nil, container.NewVScroll(h.list))
	h.content = container.NewStack(h.page)
	h.refresh()
	return h
}

// refresh rebuilds the list from the config; cheap for the handful of
// hooks a user has.
func (h *hooksTab) refresh() {
	h.rows = map[string]*hookRow{}
	h.list.RemoveAll()
	if len(h.u.cfg.Hooks) == 0 {
		h.list.Add(h.emptyState())
		return
	}
	for i, hk := range h.u.cfg.Hooks {
		if i > 0 {
			h.list.Add(widget.NewSeparator())
		}
		h.list.Add(h.row(hk))
	}
	h.list.Refresh()
}

// emptyState greets a first start: what a hook is, and the two ways on.
func (h *hooksTab) emptyState() fyne.CanvasObject {
	l := h.u.l
	title := widget.NewLabelWithStyle(l.T("No hooks yet"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	text := widget.NewLabel(l.T("A hook calls a URL when your phone rings, a call is answered or ends: it can open your CRM in the browser or send the call to a web service. Add one, then simulate a call to see it fire, no PBX needed."))
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	add := widget.NewButtonWithIcon(l.T("Add hook"), theme.ContentAddIcon(), h.add)
	add.Importance = widget.HighImportance
	sim := widget.NewButtonWithIcon(l.T("Simulate a call"), theme.MediaPlayIcon(), h.simulate)
	return container.NewVBox(layoutSpacer(), widget.NewIcon(theme.InfoIcon()), title, text,
		container.NewCenter(container.NewHBox(add, sim)))
}

func layoutSpacer() fyne.CanvasObject {
	return container.NewPadded(widget.NewLabel(""))
}

func (h *hooksTab) row(hk hooks.Hook) fyne.CanvasObject {
	l := h.u.l
	id := hk.ID
	r := &hookRow{enabled: widget.NewCheck("", nil), result: widget.NewLabel("")}
	r.enabled.Checked = hk.Enabled
	r.enabled.OnChanged = func(on bool) { h.setEnabled(id, on) }
	r.result.Wrapping = fyne.TextWrapWord
	r.result.Hide()
	h.rows[id] = r

	name := hk.Name
	if name == "" {
		name = hk.ID
	}
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	summary := widget.NewLabel(h.summary(hk))
	summary.Truncation = fyne.TextTruncateEllipsis
	test := widget.NewButtonWithIcon(l.T("Test"), theme.MediaPlayIcon(), func() {
		if hk, ok := h.u.cfg.Hook(id); ok {
			h.u.runTest(hk.Clone(), firstTrigger(hk.Triggers), r.result)
		}
	})
	edit := widget.NewButtonWithIcon(l.T("Edit"), theme.DocumentCreateIcon(), func() { h.edit(id) })
	dup := widget.NewButtonWithIcon(l.T("Duplicate"), theme.ContentCopyIcon(), func() { h.duplicate(id) })
	del := widget.NewButtonWithIcon(l.T("Delete"), theme.DeleteIcon(), func() {
		h.u.confirm(l.T("Delete hook?"), l.Tf("Delete the hook %q? This cannot be undone.", name), func() { h.remove(id) })
	})
	buttons := container.NewHBox(test, edit, dup, del)
	text := container.NewVBox(title, summary)
	return container.NewVBox(container.NewBorder(nil, nil, r.enabled, container.NewCenter(buttons), text), r.result)
}

// summary says what a hook does at a glance: "incoming.answer, queue.answer
// → Open in browser: crm.example.com".
func (h *hooksTab) summary(hk hooks.Hook) string {
	trig := make([]string, len(hk.Triggers))
	for i, t := range hk.Triggers {
		trig[i] = string(t)
	}
	where := hk.URL
	if u, err := url.Parse(hk.URL); err == nil && u.Host != "" {
		where = u.Host
	}
	return fmt.Sprintf("%s → %s: %s", strings.Join(trig, ", "), actionLabel(h.u.l, hk.Action), where)
}

func actionLabel(l tr, a string) string {
	switch a {
	case hooks.ActionGet:
		return l.T("GET in the background")
	case hooks.ActionPost:
		return l.T("POST in the background")
	case hooks.ActionBrowser:
		return l.T("Open in the browser")
	}
	return a
}

func firstTrigger(ts []call.Trigger) call.Trigger {
	if len(ts) == 0 {
		return call.IncomingAnswer
	}
	return ts[0]
}

// setEnabled is the per-hook switch: it saves at once.
func (h *hooksTab) setEnabled(id string, on bool) {
	cfg := h.u.cfg.Clone()
	hk, ok := cfg.Hook(id)
	if !ok {
		return
	}
	hk.Enabled = on
	if err := h.u.commit(cfg); err != nil {
		// The hook has problems of its own (the file was edited by hand):
		// saying so beats a switch that silently does not stick.
		h.rows[id].enabled.SetChecked(!on)
		h.u.banner.show(bannerError, h.u.l.Tf("Could not save the settings: %v", err), "", nil)
	}
}

func (h *hooksTab) remove(id string) {
	cfg := h.u.cfg.Clone()
	for i := range cfg.Hooks {
		if cfg.Hooks[i].ID == id {
			cfg.Hooks = append(cfg.Hooks[:i], cfg.Hooks[i+1:]...)
			break
		}
	}
	if err := h.u.commit(cfg); err != nil {
		h.u.banner.show(bannerError, h.u.l.Tf("Could not save the settings: %v", err), "", nil)
	}
	h.refresh()
}

func (h *hooksTab) duplicate(id string) {
	cfg := h.u.cfg.Clone()
	hk, ok := cfg.Hook(id)
	if !ok {
		return
	}
	dup := hk.Clone()
	dup.ID = uniqueID(cfg, dup.ID)
	dup.Name = h.u.l.Tf("%s (copy)", hk.Name)
	cfg.Hooks = append(cfg.Hooks, dup)
	if err := h.u.commit(cfg); err != nil {
		h.u.banner.show(bannerError, h.u.l.Tf("Could not save the settings: %v", err), "", nil)
	}
	h.refresh()
}

func (h *hooksTab) add() { h.open(newEditor(h.u, nil)) }

func (h *hooksTab) edit(id string) {
	if hk, ok := h.u.cfg.Hook(id); ok {
		c := hk.Clone()
		h.open(newEditor(h.u, &c))
	}
}

func (h *hooksTab) open(e *editor) {
	h.editor = e
	h.content.Objects = []fyne.CanvasObject{e.content}
	h.content.Refresh()
}

func (h *hooksTab) closeEditor() {
	h.editor = nil
	h.content.Objects = []fyne.CanvasObject{h.page}
	h.refresh()
	h.content.Refresh()
}

// reopen loads an open editor's hook again after the config was reloaded,
// so that its next edit does not write back what the file no longer says.
func (h *hooksTab) reopen() {
	if h.editor == nil || h.editor.isNew {
		return
	}
	if _, ok := h.u.cfg.Hook(h.editor.h.ID); !ok {
		h.closeEditor()
		return
	}
	h.edit(h.editor.h.ID)
}

// dirty reports an open editor holding edits that are not saved.
func (h *hooksTab) dirty() bool { return h.editor != nil && h.editor.unsaved }

// simulate feeds a synthetic incoming call, so a new user sees hooks fire
// without a PBX.
func (h *hooksTab) simulate() {
	l := h.u.l
	showMessage(h.status, l.T("Simulating an incoming call from +49 30 1234567 (Jane Doe)…"))
	h.u.spawn(func() {
		ctx, cancel := context.WithTimeout(h.u.ctx, time.Minute)
		defer cancel()
		err := h.u.b.Simulate(ctx, call.In, "+49301234567", "Jane Doe")
		h.u.do(func() {
			if err != nil {
				h.status.SetText(l.Tf("Simulation failed: %v", err))
				return
			}
			h.status.SetText(l.T("Simulated call done: see its deliveries in the Calls tab."))
			h.u.calls.changed()
		})
	})
}

// runTest fires a hook with sample data in the background and shows the
// outcome in out.
func (u *UI) runTest(hk hooks.Hook, t call.Trigger, out *widget.Label) {
	out.SetText(u.l.Tf("Testing with sample data for %s…", t))
	out.Importance = widget.MediumImportance
	out.Show()
	u.spawn(func() {
		ctx, cancel := context.WithTimeout(u.ctx, hk.TimeoutOrDefault()+testTimeout)
		defer cancel()
		res, err := u.b.Test(ctx, hk, t)
		u.do(func() {
			out.Importance = widget.SuccessImportance
			if err != nil || res.Err != "" {
				out.Importance = widget.DangerImportance
			}
			out.SetText(u.testText(res, err))
		})
	})
}

func (u *UI) testText(res TestResult, err error) string {
	if err != nil {
		return u.l.Tf("Test failed: %v", err)
	}
	var b strings.Builder
	if res.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d · ", res.Status)
	}
	fmt.Fprintf(&b, "%d ms", res.Latency.Milliseconds())
	if res.Err != "" {
		b.WriteString(" · " + res.Err)
	}
	if ex := strings.TrimSpace(res.Excerpt); ex != "" {
		b.WriteString("\n" + sanitize(ex, 300))
	}
	return b.String()
}
