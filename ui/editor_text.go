package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
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
	} else if u, err := templates.ParseURL(e.h.URL); err != nil {
		urlErr = e.u.l.Msg(err.Error())
	} else {
		warn(templates.Warnings(u.Template(), e.h.Triggers))
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
	if u, err := templates.ParseURL(e.h.URL); err == nil {
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

// placeholderButton opens the "insert placeholder" menu for target.
func (e *editor) placeholderButton(target *widget.Entry) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(e.u.l.T("Insert placeholder"), theme.ContentAddIcon(), func() {
		c := fyne.CurrentApp().Driver().CanvasForObject(b)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height)
		widget.ShowPopUpMenuAtPosition(e.placeholderMenu(target), c, pos)
	})
	return b
}

// placeholderMenu offers the placeholders every chosen trigger can fill.
func (e *editor) placeholderMenu(target *widget.Entry) *fyne.Menu {
	var items []*fyne.MenuItem
	for _, p := range templates.Available(e.h.Triggers) {
		tok := p.Token
		items = append(items, fyne.NewMenuItem(tok+"   "+p.Description, func() { insertAtCursor(target, tok) }))
	}
	return fyne.NewMenu(e.u.l.T("Insert placeholder"), items...)
}

// insertAtCursor inserts s at the entry's cursor, which fyne keeps as row
// and column in runes.
func insertAtCursor(en *widget.Entry, s string) {
	text := []rune(en.Text)
	lines := strings.Split(en.Text, "\n")
	row := min(max(en.CursorRow, 0), len(lines)-1)
	pos := 0
	for i := 0; i < row; i++ {
		pos += len([]rune(lines[i])) + 1
	}
	col := min(max(en.CursorColumn, 0), len([]rune(lines[row])))
	pos += col
	en.SetText(string(text[:pos]) + s + string(text[pos:]))
	en.CursorRow, en.CursorColumn = row, col+len([]rune(s))
	en.Refresh()
}

// presetRecord makes the body the sipgate-compatible call record.
func (e *editor) presetRecord() {
	e.loading = true
	e.contentType.SetSelected("application/json")
	e.body.SetText(templates.RecordPreset)
	e.loading = false
	e.changed()
}

// valueEntry is an entry that says when the user leaves it.
type valueEntry struct {
	widget.Entry
	onLeave func()
}

var _ fyne.Focusable = (*valueEntry)(nil)

func newValueEntry() *valueEntry {
	en := &valueEntry{}
	en.ExtendBaseWidget(en)
	return en
}

// FocusLost implements fyne.Focusable.
func (en *valueEntry) FocusLost() {
	en.Entry.FocusLost()
	if en.onLeave != nil {
		en.onLeave()
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
