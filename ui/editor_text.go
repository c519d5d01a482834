package ui

import (
	"net/url"
	"regexp"
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
		urlErr = err.Error()
	} else {
		warn(templates.Warnings(u.Template(), e.h.Triggers))
	}
	if e.h.Action == hooks.ActionPost && e.h.Body != "" {
		if b, err := templates.ParseBody(e.h.Body, e.h.ContentTypeOrDefault()); err != nil {
			bodyErr = err.Error()
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
			e.preview.SetText(err.Error())
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
			s = err.Error()
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

// urlHeld reports a URL whose userinfo holds a password typed as text
// that is not in the config yet: like a credential-looking header value,
// it stays out until the user stores it in the keychain or keeps it as
// text. A browser URL cannot name a secret, so there is nothing to wait
// for there.
func (e *editor) urlHeld() bool {
	if e.urlPlain || e.h.Action == hooks.ActionBrowser || e.h.URL == e.urlSaved {
		return false
	}
	_, _, ok := urlPassword(e.h.URL)
	return ok
}

// showURLHint offers the choices for a held URL password under the URL.
func (e *editor) showURLHint() {
	held := e.urlHeld()
	setVisible(e.urlHint, held)
	if i, j, ok := urlPassword(e.h.URL); held && ok {
		setVisible(e.urlStore, !strings.ContainsAny(e.h.URL[i:j], "{}"))
	}
}

// storeURLPassword moves the URL's password into the keychain and puts
// {secret.NAME} in its place.
func (e *editor) storeURLPassword() {
	raw := e.h.URL
	i, j, ok := urlPassword(raw)
	if !ok {
		return
	}
	pw := raw[i:j]
	if s, err := url.PathUnescape(pw); err == nil {
		pw = s
	}
	name := secretName(e.currentID(), "url")
	e.urlStore.Disable()
	e.u.spawn(func() {
		err := e.u.b.SetSecret(name, pw)
		e.u.do(func() {
			e.urlStore.Enable()
			if err != nil {
				showMessage(e.urlMsg, e.u.l.Tf("Could not store the password in the keychain: %v", err))
				return
			}
			if strings.TrimSpace(e.url.Text) != raw {
				return // edited meanwhile: the hint is still there for the new text
			}
			e.url.SetText(raw[:i] + "{secret." + name + "}" + raw[j:])
		})
	})
}

// keepURLAsText releases a held URL into the config.
func (e *editor) keepURLAsText() {
	e.urlPlain = true
	e.changed()
}

// urlPassword finds the password of raw's userinfo, raw[i:j], when it is
// text rather than placeholders only. It works on URLs still being typed.
func urlPassword(raw string) (i, j int, ok bool) {
	s := strings.Index(raw, "://")
	if s < 0 {
		return 0, 0, false
	}
	s += len("://")
	auth := raw[s:]
	if end := strings.IndexAny(auth, "/?#"); end >= 0 {
		auth = auth[:end]
	}
	at := strings.LastIndex(auth, "@")
	colon := strings.Index(auth, ":")
	if at < 0 || colon < 0 || colon > at {
		return 0, 0, false
	}
	if strings.TrimSpace(placeholders.ReplaceAllString(auth[colon+1:at], "")) == "" {
		return 0, 0, false
	}
	return s + colon + 1, s + at, true
}

// Credential-looking text: a scheme word of the Authorization header, a
// query-like pair naming a key, or a long run of token characters mixing
// letters and digits. Any value of a header whose name says it carries
// one counts too.
var (
	authScheme   = regexp.MustCompile(`(?i)^\s*(bearer|basic|token|digest)\s`)
	keyPair      = regexp.MustCompile(`(?i)(^|[^a-z])(api[_-]?key|key|token|secret|password|passwd)\s*=`)
	tokenRun     = regexp.MustCompile(`[A-Za-z0-9+/=_.-]{20,}`)
	placeholders = regexp.MustCompile(`\{[^{}]*\}`)
	credentialIn = []string{"auth", "token", "secret", "key", "password", "passwd", "cookie"}
)

// looksLikeCredential reports whether a header value may be a credential
// that belongs in the keychain. Placeholders are not credentials: a value
// built on {secret.NAME} already keeps its secret out of the config.
func looksLikeCredential(header, value string) bool {
	if strings.Contains(value, "{secret.") {
		return false
	}
	value = placeholders.ReplaceAllString(value, " ")
	if strings.TrimSpace(value) == "" {
		return false
	}
	name := strings.ToLower(header)
	for _, w := range credentialIn {
		if strings.Contains(name, w) {
			return true
		}
	}
	if authScheme.MatchString(value) || keyPair.MatchString(value) {
		return true
	}
	for _, run := range tokenRun.FindAllString(value, -1) {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, isLetter) >= 0 {
			return true
		}
	}
	return false
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

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
