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

// maxTestError caps the error and the URL a test result shows.
const maxTestError = 500

// hooksTab lists the hooks; the editor replaces the list while open.
type hooksTab struct {
	u       *UI
	content *fyne.Container // stack: the list page or the editor
	list    *fyne.Container
	page    fyne.CanvasObject
	status  *widget.Label // result of "Simulate a call"
	// statusOff says the status tells that all hooks are switched off:
	// it goes once they are on again.
	statusOff bool
	off       *fyne.Container // says all hooks are switched off
	sim       simulation      // what "Simulate a call" played last
	editor    *editor
	rows      map[string]*hookRow
	// pol is the administrator's policy as last heard (see policy.go);
	// managed the rows of its managed hooks, policyOff says it switches
	// every hook off.
	pol       hooks.PolicyStatus
	managed   map[string]*hookRow
	policyOff *fyne.Container
}

type hookRow struct {
	enabled *widget.Check
	result  *widget.Label
}

func newHooksTab(u *UI) *hooksTab {
	h := &hooksTab{u: u, list: container.NewVBox(), status: widget.NewLabel(""), sim: defaultSimulation()}
	if u.hooks != nil {
		h.pol = u.hooks.pol // a rebuild in another language
	} else {
		h.pol = u.b.Policy()
	}
	h.status.Wrapping = fyne.TextWrapWord
	h.status.Hide()
	h.off = h.offNotice()
	h.policyOff = h.policyOffNotice()
	add := widget.NewButtonWithIcon(u.l.T("Add hook"), theme.ContentAddIcon(), h.add)
	add.Importance = widget.HighImportance
	preset := widget.NewButtonWithIcon(u.l.T("New from preset"), theme.ContentAddIcon(), h.fromPreset)
	sim := widget.NewButtonWithIcon(u.l.T("Simulate a call"), theme.MediaPlayIcon(), h.simulate)
	bar := container.NewHBox(add, preset, sim)
	h.page = container.NewBorder(container.NewVBox(bar, h.policyOff, h.off, h.status), nil, nil, nil, container.NewVScroll(h.list))
	h.content = container.NewStack(h.page)
	h.refresh()
	return h
}

// refresh rebuilds the list from the config; cheap for the handful of
// hooks a user has.
func (h *hooksTab) refresh() {
	h.showGlobal()
	if h.editor != nil {
		// The editor words and previews the hook with settings of the
		// whole config (country code, user) that may have changed.
		h.editor.check()
	}
	h.rows = map[string]*hookRow{}
	h.list.RemoveAll()
	managed := h.pol.Policy.ManagedHooks(h.u.cfg)
	if len(h.u.cfg.Hooks) == 0 && len(managed) == 0 {
		h.list.Add(h.emptyState())
		return
	}
	for i, hk := range h.u.cfg.Hooks {
		if i > 0 {
			h.list.Add(widget.NewSeparator())
		}
		h.list.Add(h.row(hk))
	}
	// The administrator's hooks come after the user's own.
	h.managed = map[string]*hookRow{}
	for i, m := range managed {
		if i > 0 || len(h.u.cfg.Hooks) > 0 {
			h.list.Add(widget.NewSeparator())
		}
		h.list.Add(h.managedRow(m))
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

// offNotice says that the global switch is off, and turns it on.
func (h *hooksTab) offNotice() *fyne.Container {
	l := h.u.l
	text := widget.NewLabel(l.T("All hooks are switched off: none fires, not even for a simulated call."))
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.WarningImportance
	on := widget.NewButton(l.T("Turn hooks on"), func() { h.u.setGlobal(true) })
	return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), on, text)
}

// showGlobal shows the notice while the global switch is off; once it is
// on, a simulation's word that nothing fired no longer holds.
func (h *hooksTab) showGlobal() {
	// The policy's switch comes first: the user's cannot turn hooks on.
	setVisible(h.policyOff, !h.pol.Policy.Enabled())
	setVisible(h.off, !h.u.cfg.Enabled && h.pol.Policy.Enabled())
	if h.u.cfg.Enabled && h.statusOff {
		h.statusOff = false
		h.status.Hide()
	}
}

func layoutSpacer() fyne.CanvasObject {
	return container.NewPadded(widget.NewLabel(""))
}

// newRow starts a hook's row: its switch, its result line (hidden), its
// bold title (the name, else the id) and its summary.
func (h *hooksTab) newRow(hk hooks.Hook, on bool, onChanged func(bool)) (r *hookRow, title, summary *widget.Label) {
	r = &hookRow{enabled: widget.NewCheck("", nil), result: widget.NewLabel("")}
	r.enabled.Checked = on
	r.enabled.OnChanged = onChanged
	r.result.Wrapping = fyne.TextWrapWord
	r.result.Hide()
	name := hk.Name
	if name == "" {
		name = hk.ID
	}
	title = widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	summary = widget.NewLabel(h.summary(hk))
	// Wrapped, not cut: the triggers in words come first, and where the
	// hook goes must stay in sight.
	summary.Wrapping = fyne.TextWrapWord
	return r, title, summary
}

func (h *hooksTab) row(hk hooks.Hook) fyne.CanvasObject {
	l := h.u.l
	id := hk.ID
	r, title, summary := h.newRow(hk, hk.Enabled, func(on bool) { h.setEnabled(id, on) })
	h.rows[id] = r
	test := widget.NewButtonWithIcon(l.T("Test"), theme.MediaPlayIcon(), func() {
		h.clearSimulation()
		if hk, ok := h.u.cfg.Hook(id); ok {
			h.u.runTest(hk.Clone(), firstTrigger(hk.Triggers), r.result)
		}
	})
	edit := widget.NewButtonWithIcon(l.T("Edit"), theme.DocumentCreateIcon(), func() { h.edit(id) })
	dup := widget.NewButtonWithIcon(l.T("Duplicate"), theme.ContentCopyIcon(), func() { h.duplicate(id) })
	del := widget.NewButtonWithIcon(l.T("Delete"), theme.DeleteIcon(), func() {
		h.u.confirm(l.T("Delete hook?"), l.Tf("Delete the hook %q? This cannot be undone.", title.Text), func() { h.remove(id) })
	})
	buttons := container.NewHBox(test, edit, dup, del)
	text := container.NewVBox(title, summary)
	return container.NewVBox(container.NewBorder(nil, nil, r.enabled, container.NewCenter(buttons), text), r.result)
}

// summary says what a hook does at a glance, its triggers worded as the
// editor words them: "Incoming calls: Answered; Queue calls: Answered —
// Open in the browser: crm.example.com".
func (h *hooksTab) summary(hk hooks.Hook) string {
	where := hk.URL
	if u, err := url.Parse(hk.URL); err == nil && u.Host != "" {
		where = u.Host
	}
	return fmt.Sprintf("%s — %s: %s", triggerSummary(h.u.l, hk.Triggers), actionLabel(h.u.l, hk.Action), where)
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
	h.clearSimulation()
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
	h.clearSimulation()
	cfg := h.u.cfg.Clone()
	hk, ok := cfg.Hook(id)
	if !ok {
		return
	}
	dup := hk.Clone()
	dup.ID = uniqueID(h.pol.Policy.Apply(cfg), dup.ID) // a managed hook's id is taken too
	dup.Name = h.u.l.Tf("%s (copy)", hk.Name)
	// Two hooks alike would fire twice for every call: the copy waits
	// until the user has made it different and switches it on.
	dup.Enabled = false
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

// open shows e in place of the list; a simulation's status is about the
// list the user just left.
func (h *hooksTab) open(e *editor) {
	h.clearSimulation()
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
	if h.editor.readOnly {
		h.reopenManaged()
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

// runTest fires a hook with sample data in the background and shows the
// outcome in out.
func (u *UI) runTest(hk hooks.Hook, t call.Trigger, out *widget.Label) {
	out.SetText(u.l.Tf("Testing with sample data (%s)…", triggerName(u.l, t)))
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
			out.SetText(testText(u.l, hk.Action, res, err))
		})
	})
}

// testText words a test's outcome: delivered or not and why (the
// engine's words, in the window's language), the HTTP status and the
// time taken when there was an answer to time (a failure without one
// shows no "0 ms"), then the start of the response; for a browser hook,
// what it opened.
func testText(l tr, action string, res TestResult, err error) string {
	if err != nil && res.Err == "" && res.Status == 0 {
		// The test did not run: the agent, not the hook, failed.
		return l.Tf("Test failed: %v", l.errText(err))
	}
	failed := err != nil || res.Err != ""
	if action == hooks.ActionBrowser {
		if failed {
			return l.T("Not opened") + ": " + sanitize(l.Msg(res.Err), maxTestError)
		}
		if where, ok := openedURL(res.Excerpt); ok {
			return l.Tf("Opened %s in the default browser.", sanitize(where, maxTestError))
		}
		return l.T("Opened in the default browser.")
	}
	head := l.T("Delivered")
	if failed {
		head = l.T("Not delivered")
	}
	parts := []string{head}
	if res.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", res.Status))
	}
	if ms := latencyText(DeliveryRow{StatusCode: res.Status, Latency: res.Latency}); ms != "" {
		parts = append(parts, ms)
	}
	text := strings.Join(parts, " · ")
	if res.Err != "" {
		text += ": " + sanitize(l.Msg(res.Err), maxTestError)
	}
	if ex := strings.TrimSpace(res.Excerpt); ex != "" {
		text += "\n" + sanitize(ex, 300)
	}
	return text
}

// openedURL is the URL in a browser hook's answer, which the hooks
// package words "opened URL in the default browser".
func openedURL(answer string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(answer), "opened ")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, " in the default browser")
}
