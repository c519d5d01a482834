package ui

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// headerList edits a hook's HTTP headers. A header marked secret has its
// value stored in the OS keychain; the config keeps only {secret.NAME}.
//
// A value reaches the config only once the user has finished typing it
// (left the field or pressed Enter): any prefix of a token could still
// become a secret, and the Secret box is usually ticked after the value.
// A finished value that looks like a credential is held back until the
// user ticks Secret or chooses Keep as text. With Secret ticked first, the
// finished value goes to the keychain.
type headerList struct {
	e       *editor
	rows    []*headerRow
	box     *fyne.Container
	msg     *widget.Label
	helper  *widget.Label   // what Secret does
	help    *widget.Label   // the hint's text
	hint    *fyne.Container // the hint, in place of the helper text
	edits   int
	content fyne.CanvasObject
}

type headerRow struct {
	key        *valueEntry
	value      *valueEntry
	secret     *widget.Check
	secretName string        // set once the value is in the keychain
	stored     *widget.Label // which keychain entry holds it
	saved      string        // the plain value the config holds for this row
	plain      bool          // the user chose Keep as text
	storing    bool          // the value is on its way to the keychain
	edited     int           // when the value last changed, in edits of the list
	obj        fyne.CanvasObject
}

// secretRef matches a header value that is exactly one secret placeholder.
var secretRef = regexp.MustCompile(`^\{secret\.([A-Za-z0-9_-]+)\}$`)

func newHeaderList(e *editor) *headerList {
	l := e.u.l
	hl := &headerList{e: e, box: container.NewVBox(), msg: message(widget.DangerImportance)}
	add := widget.NewButtonWithIcon(l.T("Add header"), theme.ContentAddIcon(), func() {
		hl.add("", "")
	})
	hl.helper = widget.NewLabel(l.T("Values marked Secret are kept in the OS keychain; the config file holds only their name."))
	hl.helper.Wrapping = fyne.TextWrapWord
	hl.help = widget.NewLabel(l.T("Looks like a credential: tick Secret to keep it in the keychain, or Keep as text to save it in the config file."))
	hl.help.Wrapping = fyne.TextWrapWord
	hl.help.Importance = widget.WarningImportance
	keep := widget.NewButton(l.T("Keep as text"), hl.keepAsText)
	hl.hint = container.NewBorder(nil, nil, nil, container.NewVBox(keep), hl.help)
	hl.hint.Hide()
	hl.content = container.NewVBox(hl.box, container.New(steadyLayout{}, hl.helper, hl.hint), hl.msg, container.NewHBox(add))
	return hl
}

func (hl *headerList) load(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		hl.add(k, m[k])
	}
}

func (hl *headerList) add(key, value string) {
	l := hl.e.u.l
	r := &headerRow{key: hl.e.field(), value: hl.e.field(), secret: widget.NewCheck(l.T("Secret"), nil),
		stored: message(widget.MediumImportance)}
	r.key.SetPlaceHolder("Authorization")
	r.value.SetPlaceHolder(l.T("value; placeholders allowed"))
	r.key.SetText(key)
	if m := secretRef.FindStringSubmatch(value); m != nil {
		hl.markStored(r, m[1])
	} else {
		// What the config already holds stays as it is: no hint, no loss.
		r.value.SetText(value)
		r.saved = value
	}
	r.key.OnChanged = func(string) { hl.e.changed() }
	r.value.OnChanged = func(string) {
		hl.edits++
		r.edited = hl.edits
		hl.e.changed()
	}
	r.value.OnSubmitted = func(string) { hl.submit(r) }
	// Judged after the event that moved the focus: a tap on this row's
	// Secret box takes the focus first, and must win.
	r.value.onLeave = func() { hl.e.u.do(func() { hl.settle(r) }) }
	// A secret typed before its header name is stored once the name is.
	r.key.onLeave = r.value.onLeave
	r.secret.OnChanged = func(on bool) { hl.toggleSecret(r, on) }
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { hl.remove(r) })
	r.obj = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(r.secret, remove),
		container.NewGridWithColumns(2, hl.e.wheel.entry(r.key), hl.e.wheel.entry(r.value))),
		r.stored)
	hl.rows = append(hl.rows, r)
	hl.box.Add(r.obj)
}

func (hl *headerList) remove(r *headerRow) {
	for i, x := range hl.rows {
		if x == r {
			hl.rows = append(hl.rows[:i], hl.rows[i+1:]...)
			break
		}
	}
	hl.box.Remove(r.obj)
	hl.e.changed()
}

// markStored shows a row whose value lives in the keychain. The field
// only says so; the keychain entry's name, as long as the hook's id and
// the header's name together, is told below the row, where it can wrap:
// in the field, half a row wide, it was cut off.
func (hl *headerList) markStored(r *headerRow, name string) {
	l := hl.e.u.l
	r.secretName = name
	r.saved = ""
	r.secret.Checked = true
	r.secret.Refresh()
	r.value.SetText("")
	r.value.SetPlaceHolder(l.T("stored in the keychain"))
	r.value.Disable()
	showMessage(r.stored, l.Tf("Stored in the keychain as %s.", name))
}

// toggleSecret moves the value into the keychain, or makes it plain
// again. Checked before a value is typed, the row waits until the value is
// finished (Enter or the field left), and never puts it in the config
// meanwhile.
func (hl *headerList) toggleSecret(r *headerRow, on bool) {
	l := hl.e.u.l
	if !on {
		r.value.Password = false
		if r.secretName != "" {
			r.secretName = ""
			r.value.Enable()
			showMessage(r.stored, "")
		}
		r.value.SetPlaceHolder(l.T("value; placeholders allowed"))
		r.value.Refresh()
		// A value typed while Secret was ticked is now plain text: it is
		// judged like any finished value.
		hl.settle(r)
		return
	}
	if r.secretName != "" {
		return
	}
	r.value.Password = true
	r.value.SetPlaceHolder(l.T("type the secret value and press Enter"))
	r.value.Refresh()
	if r.value.Text != "" {
		hl.store(r)
		return
	}
	hl.e.changed()
}

// submit is Enter in a value field.
func (hl *headerList) submit(r *headerRow) {
	if r.secret.Checked && r.secretName == "" {
		hl.store(r)
		return
	}
	hl.settle(r)
}

// settle takes a finished plain value into the config, unless it looks
// like a credential the user has not decided on yet; a finished secret
// goes to the keychain, as Enter does.
func (hl *headerList) settle(r *headerRow) {
	if hl.e.u.hooks.editor != hl.e || !slices.Contains(hl.rows, r) {
		return // closed, replaced (a reload) or removed since the field was left
	}
	if hl.typingSecret(r) {
		if strings.TrimSpace(r.key.Text) != "" {
			hl.store(r)
		}
		return
	}
	hl.take(r)
	hl.e.changed()
}

// settleAll settles every row, as leaving the editor does. A secret
// without a header name says so instead of vanishing.
func (hl *headerList) settleAll() {
	taken := false
	for _, r := range hl.rows {
		if hl.typingSecret(r) {
			hl.store(r)
			continue
		}
		taken = hl.take(r) || taken
	}
	if taken {
		hl.e.changed()
	}
}

// typingSecret reports a row with Secret ticked whose value is typed but
// not in the keychain (nor on its way there).
func (hl *headerList) typingSecret(r *headerRow) bool {
	return r.secret.Checked && r.secretName == "" && !r.storing && r.value.Text != ""
}

// typing reports a secret typed and not stored yet: not in the draft, but
// an edit all the same.
func (hl *headerList) typing() bool {
	return slices.ContainsFunc(hl.rows, func(r *headerRow) bool {
		return r.secret.Checked && r.secretName == "" && r.value.Text != ""
	})
}

// take makes a finished plain value the one the config holds, unless it
// is held; it reports whether that changed anything.
func (hl *headerList) take(r *headerRow) bool {
	if r.secretName != "" || r.secret.Checked || hl.held(r) || r.saved == r.value.Text {
		return false
	}
	r.saved = r.value.Text
	return true
}

// pending reports a value still being typed: plain, or a secret not in
// the keychain yet.
func (hl *headerList) pending() bool {
	for _, r := range hl.rows {
		if r.secretName == "" && !r.secret.Checked && r.value.Text != r.saved && !hl.held(r) {
			return true
		}
	}
	return hl.typing()
}

// store puts the row's value into the keychain in the background (the
// keychain may prompt or be slow), then references it from the config.
func (hl *headerList) store(r *headerRow) {
	l := hl.e.u.l
	value, key := r.value.Text, strings.TrimSpace(r.key.Text)
	if value == "" || key == "" {
		showMessage(hl.msg, l.T("Type the header name and value first, then mark it secret."))
		return
	}
	name := secretName(hl.e.currentID(), key)
	r.secret.Disable()
	r.storing = true
	hl.e.keychain(name, value, func(err error) {
		r.secret.Enable()
		r.storing = false
		if err != nil {
			showMessage(hl.msg, l.Tf("Could not store the secret in the keychain: %v", l.errText(err)))
			return
		}
		showMessage(hl.msg, "")
		hl.markStored(r, name)
		hl.e.changed()
	})
}

// keychain stores a secret in the background (the keychain may prompt or
// be slow) and hands the outcome to done on the UI goroutine. Back waits
// for these writes: leaving first would drop the reference the config is
// about to get. A failure stays on screen.
func (e *editor) keychain(name, value string, done func(error)) {
	e.busy++
	e.u.spawn(func() {
		err := e.u.b.SetSecret(name, value)
		e.u.do(func() {
			e.busy--
			done(err)
			if err != nil {
				e.leaving = false
			}
			if e.leaving && e.busy == 0 && e.u.hooks.editor == e {
				e.leaving = false
				e.back()
			}
		})
	})
}

// values returns the headers as the config keeps them: a plain value as
// last settled, a secret by reference, a secret being typed not at all.
func (hl *headerList) values() map[string]string {
	return hl.headers(func(r *headerRow) string { return r.saved })
}

// typed returns the headers as shown, for previews, warnings and Test,
// none of which write the config.
func (hl *headerList) typed() map[string]string {
	return hl.headers(func(r *headerRow) string { return r.value.Text })
}

func (hl *headerList) headers(plain func(*headerRow) string) map[string]string {
	if len(hl.rows) == 0 {
		return nil
	}
	m := make(map[string]string, len(hl.rows))
	for _, r := range hl.rows {
		k := strings.TrimSpace(r.key.Text)
		if k == "" {
			continue
		}
		switch {
		case r.secretName != "":
			m[k] = "{secret." + r.secretName + "}"
		case r.secret.Checked:
			// A secret being typed stays out of the config.
		default:
			m[k] = plain(r)
		}
	}
	return m
}

// currentID is the draft's id, as it will be saved.
func (e *editor) currentID() string {
	if e.isNew {
		return uniqueID(e.u.cfg, slug(strings.TrimSpace(e.name.Text)))
	}
	return e.h.ID
}

// secretName names a header's keychain entry after its hook and header:
// "crm-authorization".
func secretName(hookID, header string) string {
	return hookID + "-" + slug(header)
}

// slug makes an id from a name: lower-case letters, digits and "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "hook"
	}
	return b.String()
}

// uniqueID returns base, or base-2, base-3, ... whichever no hook of cfg
// uses yet.
func uniqueID(cfg *hooks.Config, base string) string {
	id := base
	for n := 2; ; n++ {
		if _, taken := cfg.Hook(id); !taken {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}
