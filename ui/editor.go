package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// editor edits one hook. Every change is validated at once; a draft that
// validates is saved (auto-save), one that does not shows its problems
// inline and stays unsaved until fixed. What may be a credential never
// reaches the config as text unless the user says so: header values are
// saved once finished, and a finished one that looks like a credential,
// like a password in the URL, waits for the user's choice (held).
// Since edits are saved as they happen, Undo (editor_undo.go) is how the
// user takes them back.
type editor struct {
	u       *UI
	h       hooks.Hook // the draft, rebuilt from the widgets on every change
	isNew   bool       // not in the config yet: its id follows its name
	unsaved bool
	loading bool // set while widgets are filled in: no change events then
	// readOnly: a hook of the administrator's policy, shown but not
	// edited (editor_policy.go).
	readOnly bool
	// wheel is the form's scroller: the wheel over its entries scrolls it.
	wheel wheelTarget

	orig    hooks.Hook // the hook as the config held it when the editor opened
	created bool       // the hook is new in this editor: undo removes it
	base    hooks.Hook // the draft as first shown, to tell what was edited
	busy    int        // keychain writes under way
	leaving bool       // Back waits for them
	undoBtn *widget.Button

	name        *valueEntry
	groups      []*triggerGroup
	action      *widget.RadioGroup
	actions     []string
	url         *valueEntry
	urlMsg      *widget.Label
	urlWarn     *widget.Label
	urlHint     *fyne.Container // the choices for a password in the URL
	urlStore    *widget.Button
	urlSaved    string // the URL the config holds
	urlPlain    bool   // the user chose to keep the URL's password as text
	preview     *widget.Label
	bodyBox     *fyne.Container
	contentType *widget.Select
	body        *valueEntry // multi-line, as tall as its text (fitBody)
	bodyRows    int         // the body's height in lines (fitBody)
	bodyCursor  [2]int      // where followBodyCursor last saw the cursor
	bodyMsg     *widget.Label
	bodyWarn    *widget.Label
	bodyPreview *widget.Label
	httpBox     *fyne.Container // what only GET and POST have
	headers     *headerList
	timeout     *valueEntry
	retries     *valueEntry
	signing     *signingSecret
	errs        *widget.Label
	warns       *widget.Label
	state       *widget.Label
	testOut     *widget.Label
	form        fyne.CanvasObject // every field, without the buttons above
	content     fyne.CanvasObject
}

// triggerGroup is one column of the trigger multi-select.
type triggerGroup struct {
	check    *widget.CheckGroup
	triggers []call.Trigger
	labels   []string
}

// contentTypes offered for a POST body; the body's escaping follows it.
var contentTypes = []string{
	"application/json",
	"application/x-www-form-urlencoded",
	"application/xml",
	"text/plain",
}

// newEditor opens h, or a new hook when h is nil.
func newEditor(u *UI, h *hooks.Hook) *editor {
	e := &editor{u: u}
	e.wheel.later = u.do
	if h == nil {
		e.isNew = true
		e.created = true
		e.unsaved = true
		h = &hooks.Hook{Name: u.l.T("New hook"), Enabled: true,
			Triggers: []call.Trigger{call.IncomingAnswer}, Action: hooks.ActionBrowser}
	}
	e.snapshot(h)
	e.h = h.Clone()
	e.build()
	e.load()
	return e
}

func (e *editor) build() {
	l := e.u.l
	changed := func(string) { e.changed() }
	e.name = e.field()
	e.name.OnChanged = changed

	triggers := container.NewGridWithColumns(3)
	for _, c := range triggerColumns(l) {
		g := newTriggerGroup(e, c.triggers, c.labels)
		e.groups = append(e.groups, g)
		triggers.Add(container.NewVBox(bold(c.title), g.check))
	}

	e.actions = []string{hooks.ActionBrowser, hooks.ActionGet, hooks.ActionPost}
	labels := make([]string, len(e.actions))
	for i, a := range e.actions {
		labels[i] = actionLabel(l, a)
	}
	e.action = widget.NewRadioGroup(labels, nil)
	e.action.Horizontal = true
	e.action.Required = true

	e.url = e.field()
	e.url.SetPlaceHolder("https://crm.example.com/search?phone={remote|e164}")
	e.url.OnChanged = changed
	e.urlMsg = message(widget.DangerImportance)
	e.urlWarn = message(widget.WarningImportance)
	e.preview = widget.NewLabel("")
	e.preview.Wrapping = fyne.TextWrapBreak
	e.preview.TextStyle.Monospace = true
	urlRow := container.NewBorder(nil, nil, nil, e.placeholderButton(e.url), e.wheel.entry(e.url))
	// The hint takes the place of the URL's error line: a URL holding a
	// password has no error to show.
	urlHintMsg := widget.NewLabel(l.T("The URL holds a password: store it in the keychain, or Keep as text to save it in the config file."))
	urlHintMsg.Wrapping = fyne.TextWrapWord
	urlHintMsg.Importance = widget.WarningImportance
	e.urlStore = widget.NewButton(l.T("Store in keychain"), e.storeURLPassword)
	e.urlHint = container.NewBorder(nil, nil, nil,
		container.NewVBox(container.NewHBox(e.urlStore, widget.NewButton(l.T("Keep as text"), e.keepURLAsText))), urlHintMsg)
	e.urlHint.Hide()

	e.contentType = widget.NewSelect(contentTypes, changed)
	e.body = newBodyEntry()
	e.body.form = &e.wheel
	e.body.SetMinRowsVisible(minBodyRows)
	e.body.TextStyle.Monospace = true
	e.body.OnChanged = func(string) {
		e.fitBody()
		e.changed()
	}
	e.body.OnCursorChanged = e.followBodyCursor
	e.bodyMsg = message(widget.DangerImportance)
	e.bodyWarn = message(widget.WarningImportance)
	e.bodyPreview = widget.NewLabel("")
	e.bodyPreview.Wrapping = fyne.TextWrapBreak
	e.bodyPreview.TextStyle.Monospace = true
	preset := widget.NewButton(l.T("Call record JSON"), e.presetRecord)
	e.bodyBox = container.NewVBox(
		section(l.T("Body")),
		container.NewBorder(nil, nil, widget.NewLabel(l.T("Content type")), container.NewHBox(preset, e.placeholderButton(e.body)), e.contentType),
		e.wheel.entry(e.body), e.bodyMsg, e.bodyWarn,
		widget.NewLabel(l.T("Preview with sample data:")), e.bodyPreview)

	e.headers = newHeaderList(e)
	e.timeout = e.field()
	e.timeout.SetPlaceHolder(hooks.DefaultTimeout.String())
	e.timeout.OnChanged = changed
	e.retries = e.field()
	e.retries.SetPlaceHolder(strconv.Itoa(hooks.DefaultRetries))
	e.retries.OnChanged = changed
	e.signing = newSigningSecret(e)
	e.httpBox = container.NewVBox(
		section(l.T("Headers")), e.headers.content,
		section(l.T("Delivery")),
		widget.NewForm(
			widget.NewFormItem(l.T("Timeout"), e.wheel.entry(e.timeout)),
			widget.NewFormItem(l.T("Retries"), e.wheel.entry(e.retries)),
			widget.NewFormItem(l.T("Signing secret"), e.signing.content)))

	e.errs = message(widget.DangerImportance)
	e.warns = message(widget.WarningImportance)
	e.state = widget.NewLabel("")
	e.testOut = widget.NewLabel("")
	e.testOut.Wrapping = fyne.TextWrapWord
	e.testOut.Hide()

	back := widget.NewButtonWithIcon(l.T("Back to the list"), theme.NavigateBackIcon(), e.back)
	e.undoBtn = widget.NewButtonWithIcon(l.T("Undo changes"), theme.ContentUndoIcon(), e.askUndo)
	e.undoBtn.Disable()
	test := widget.NewButtonWithIcon(l.T("Test"), theme.MediaPlayIcon(), e.test)
	top := container.NewBorder(nil, nil, container.NewHBox(back, e.undoBtn), test)
	// The state, problems and test result sit below the form: when they
	// appear or grow, the form keeps its place under the pointer (they
	// once pushed it down, and a click meant for a field opened the
	// dropdown that had moved there). The state has a line of its own:
	// beside three buttons, the longer German states made the window
	// wider than its default size.
	bottom := container.NewVBox(e.state, e.errs, e.warns, e.testOut)

	e.form = container.NewVBox(
		widget.NewForm(widget.NewFormItem(l.T("Name"), e.wheel.entry(e.name))),
		section(l.T("Fires on")), triggers,
		section(l.T("Action")), e.action,
		section(l.T("URL")), urlRow, e.urlMsg, e.urlWarn, e.urlHint,
		widget.NewLabel(l.T("Preview with sample data:")), e.preview,
		e.bodyBox, e.httpBox)
	e.content = container.NewBorder(top, bottom, nil, nil, e.wheel.vscroll(container.NewPadded(e.form)))
}

func newTriggerGroup(e *editor, ts []call.Trigger, labels []string) *triggerGroup {
	g := &triggerGroup{triggers: ts, labels: labels}
	g.check = widget.NewCheckGroup(labels, func([]string) { e.changed() })
	return g
}

// load fills the widgets from the draft.
func (e *editor) load() {
	e.loading = true
	e.name.SetText(e.h.Name)
	e.setTriggers(e.h.Triggers...)
	for i, a := range e.actions {
		if a == e.h.Action {
			e.action.SetSelected(e.action.Options[i])
		}
	}
	e.action.OnChanged = func(string) { e.changed() }
	e.url.SetText(e.h.URL)
	ct := e.h.ContentType
	if ct == "" {
		ct = contentTypes[0]
	}
	e.contentType.SetSelected(ct)
	e.body.SetText(e.h.Body)
	e.headers.load(e.h.Headers)
	if e.h.Timeout > 0 {
		e.timeout.SetText(time.Duration(e.h.Timeout).String())
	}
	if e.h.Retries != nil {
		e.retries.SetText(strconv.Itoa(*e.h.Retries))
	}
	e.signing.load(e.h.SigningSecret)
	e.urlSaved = strings.TrimSpace(e.h.URL)
	e.loading = false
	e.showAction()
	e.check()
	e.base = e.h.Clone()
	if !e.isNew {
		e.state.SetText(e.u.l.T("All changes are saved."))
	}
}

// setTriggers selects exactly ts.
func (e *editor) setTriggers(ts ...call.Trigger) {
	for _, g := range e.groups {
		var sel []string
		for i, t := range g.triggers {
			for _, want := range ts {
				if t == want {
					sel = append(sel, g.labels[i])
				}
			}
		}
		g.check.SetSelected(sel)
	}
}

// collect rebuilds the draft from the widgets. It returns problems of
// fields that do not even parse (timeout, retries).
func (e *editor) collect() []string {
	l := e.u.l
	var bad []string
	e.h.Name = strings.TrimSpace(e.name.Text)
	e.h.Triggers = nil
	for _, g := range e.groups {
		for i, t := range g.triggers {
			for _, s := range g.check.Selected {
				if s == g.labels[i] {
					e.h.Triggers = append(e.h.Triggers, t)
				}
			}
		}
	}
	for i, opt := range e.action.Options {
		if opt == e.action.Selected {
			e.h.Action = e.actions[i]
		}
	}
	e.h.URL = strings.TrimSpace(e.url.Text)
	e.h.ContentType, e.h.Body = "", ""
	if e.h.Action == hooks.ActionPost {
		e.h.ContentType, e.h.Body = e.contentType.Selected, e.body.Text
	}
	e.h.Headers = e.headers.typed()
	e.h.Timeout = 0
	if s := strings.TrimSpace(e.timeout.Text); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			bad = append(bad, l.Tf("Timeout: %q is not a duration such as 10s or 1m30s", s))
		}
		e.h.Timeout = hooks.Duration(d)
	}
	e.h.Retries = nil
	if s := strings.TrimSpace(e.retries.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			bad = append(bad, l.Tf("Retries: %q is not a whole number of 0 or more", s))
		}
		e.h.Retries = &n
	}
	e.h.SigningSecret = e.signing.name
	return bad
}

// showAction shows the fields the chosen action uses.
func (e *editor) showAction() {
	setVisible(e.bodyBox, e.h.Action == hooks.ActionPost)
	setVisible(e.httpBox, e.h.Action != hooks.ActionBrowser)
}

func (e *editor) test() {
	if e.urlMsg.Visible() {
		showMessage(e.testOut, e.u.l.T("Fix the URL first."))
		return
	}
	e.u.runTest(e.h.Clone(), firstTrigger(e.h.Triggers), e.testOut)
}

// back leaves the editor once everything typed is saved; input that
// cannot be saved yet makes it ask.
func (e *editor) back() {
	e.headers.settleAll()
	if e.busy > 0 {
		// A secret is on its way to the keychain; the config is to name
		// it once it is there.
		e.leaving = true
		e.state.SetText(e.u.l.T("Storing in the keychain…"))
		return
	}
	if !e.unsaved || e.isNew && e.url.Text == "" {
		e.u.hooks.closeEditor()
		return
	}
	e.askLeave()
}
