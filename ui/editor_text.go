package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

// maxPreview caps the body preview: enough to check the shape of a JSON
// record without a screenful of text.
const maxPreview = 1200

// checkTemplates parses the URL and body templates: errors for each, and
// warnings for placeholders a chosen trigger cannot fill and for caller
// data in a body whose content type has no escaping.
func (e *editor) checkTemplates() (urlErr, bodyErr string, warns []string) {
	seen := map[string]bool{}
	warn := func(ws []string) {
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				warns = append(warns, w)
			}
		}
	}
	if e.h.URL == "" {
		urlErr = e.u.l.T("Enter the URL to call, for example https://crm.example.com/search?phone={remote|e164}")
	} else if u, err := e.h.ParseURL(); err != nil {
		urlErr = e.u.l.Msg(err.Error())
	} else {
		warn(templates.Warnings(u.Template(), e.h.Triggers))
		warn(e.browserSecretWarnings())
	}
	if e.h.Action == hooks.ActionPost && e.h.Body != "" {
		if b, err := templates.ParseBody(e.h.Body, e.h.ContentTypeOrDefault()); err != nil {
			bodyErr = e.u.l.Msg(err.Error())
		} else {
			warn(templates.Warnings(b.Template(), e.h.Triggers))
			if u := b.Unescaped(); len(u) > 0 {
				warn([]string{e.u.l.Tf("The content type %s has no escaping: %s reach the receiver exactly as the caller sent them and can change the body. Choose JSON, form or XML, or use the |digits filter.",
					e.h.ContentTypeOrDefault(), strings.Join(u, ", "))})
			}
		}
	}
	for _, v := range e.h.Headers {
		if t, err := templates.Parse(v); err == nil {
			warn(templates.Warnings(t, e.h.Triggers))
		}
	}
	return urlErr, bodyErr, warns
}

// sampleData is what previews render with: the sample call for the first
// chosen trigger, with secrets masked.
func (e *editor) sampleData() templates.Data {
	d := templates.Sample(firstTrigger(e.h.Triggers), e.u.cfg.User, e.u.cfg.CountryCode)
	d.Secret = func(string) (string, error) { return "••••", nil }
	return d
}

// updatePreview renders URL and body with sample data, escaped exactly as
// a real request would be.
func (e *editor) updatePreview() {
	d := e.sampleData()
	e.preview.SetText("")
	if u, err := e.h.ParseURL(); err == nil {
		if s, err := u.Render(d); err == nil {
			e.preview.SetText(s)
		} else {
			e.preview.SetText(e.u.l.Msg(err.Error()))
		}
	}
	e.bodyPreview.SetText("")
	if e.h.Action != hooks.ActionPost || e.h.Body == "" {
		return
	}
	if b, err := templates.ParseBody(e.h.Body, e.h.ContentTypeOrDefault()); err == nil {
		out, err := b.Render(d)
		s := string(out)
		if err != nil {
			s = e.u.l.Msg(err.Error())
		}
		if len(s) > maxPreview {
			s = s[:maxPreview] + "…"
		}
		e.bodyPreview.SetText(s)
	}
}

// presetRecord makes the body the sipgate-compatible call record.
func (e *editor) presetRecord() {
	e.loading = true
	e.contentType.SetSelected("application/json")
	e.body.SetText(templates.RecordPreset)
	e.loading = false
	e.changed()
}

// valueEntry is the editor's text field. It says when the user leaves
// it; Tab and Shift+Tab move the focus on from it, multi-line too (fyne's
// multi-line entry types a tab instead, and the keyboard was trapped in
// the body); and with form set, Tab keeps the focus in view of the form's
// scroller (fyne's scroller does not follow the focus, fyne issue #3029).
type valueEntry struct {
	widget.Entry
	onLeave func()
	form    *wheelTarget
}

var (
	_ fyne.Focusable = (*valueEntry)(nil)
	_ fyne.Tabbable  = (*valueEntry)(nil)
	_ textField      = (*valueEntry)(nil)
)

// textField is a text field of the editor, as the placeholder menu
// inserts into it.
type textField interface {
	fyne.Focusable
	entry() *widget.Entry
}

func newValueEntry() *valueEntry {
	en := &valueEntry{}
	en.ExtendBaseWidget(en)
	return en
}

// newBodyEntry returns a multi-line valueEntry.
func newBodyEntry() *valueEntry {
	en := newValueEntry()
	en.MultiLine = true
	en.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewMultiLineEntry
	return en
}

func (en *valueEntry) entry() *widget.Entry { return &en.Entry }

// AcceptsTab implements fyne.Tabbable: the window's driver moves the
// focus on Tab and Shift+Tab instead of handing the key to the field.
func (en *valueEntry) AcceptsTab() bool { return false }

// FocusLost implements fyne.Focusable.
func (en *valueEntry) FocusLost() {
	en.Entry.FocusLost()
	if en.onLeave != nil {
		en.onLeave()
	}
}

// KeyDown implements desktop.Keyable. The driver tells the focused
// widget of a key before it acts on it: Tab here moves the focus away,
// to whatever comes next, and the form shows that once it has it.
func (en *valueEntry) KeyDown(ev *fyne.KeyEvent) {
	en.Entry.KeyDown(ev)
	if ev.Name == fyne.KeyTab && en.form != nil {
		en.form.revealFocusedLater()
	}
}

// KeyUp implements desktop.Keyable. Tab released here moved the focus
// here.
func (en *valueEntry) KeyUp(ev *fyne.KeyEvent) {
	en.Entry.KeyUp(ev)
	if ev.Name == fyne.KeyTab && en.form != nil {
		en.form.reveal(en)
	}
}

// steadyLayout stacks its objects and is as tall as the tallest, shown
// or not: a hint that replaces a helper text moves nothing below it, so
// no button slides under the pointer.
type steadyLayout struct{}

func (steadyLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (steadyLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
