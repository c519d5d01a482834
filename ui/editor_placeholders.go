package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

// The "insert placeholder" menu. All the placeholders in one list were
// taller than the window (fyne cuts a pop-up menu at the window's edge
// and the keyboard walks past what is shown), so the menu names groups
// and each group opens a submenu: six lines, and none longer than five,
// fit even the smallest window (TestPlaceholderMenuFitsTheSmallestWindow).

// placeholderGroup is one submenu: the placeholders it holds, by name.
type placeholderGroup struct {
	title string
	names []string
}

// placeholderGroups lists the submenus in their order. A placeholder that
// none names (one templates gains later) goes to the last.
func placeholderGroups(l tr) []placeholderGroup {
	return []placeholderGroup{
		{l.T("Phone numbers"), []string{"caller", "callee", "remote"}},
		{l.T("Names"), []string{"remote_name", "caller_name", "callee_name", "user"}},
		{l.T("The call"), []string{"direction", "queue", "call_id", "trigger", "outcome"}},
		{l.T("Start"), []string{"time", "start"}},
		{l.T("Answer, end, duration"), []string{"answer", "end", "duration", "duration_ms"}},
		{l.T("More"), []string{"header", "secret", "json"}},
	}
}

// placeholderName is the name in a menu token: "remote" for
// "{remote|e164}", "secret" for "{secret.NAME}".
func placeholderName(token string) string {
	n := strings.Trim(token, "{}")
	if i := strings.IndexAny(n, "|."); i >= 0 {
		n = n[:i]
	}
	return n
}

// placeholderButton opens the "insert placeholder" menu for target.
func (e *editor) placeholderButton(target textField) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(e.u.l.T("Insert placeholder"), theme.ContentAddIcon(), func() {
		c := fyne.CurrentApp().Driver().CanvasForObject(b)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height)
		widget.ShowPopUpMenuAtPosition(e.placeholderPopup(target), c, pos)
	})
	return b
}

// placeholderMenu offers the placeholders every chosen trigger can fill,
// one item each, in the order of templates.Available, described in the
// window's language.
func (e *editor) placeholderMenu(target textField) *fyne.Menu {
	_, items := e.placeholderItems(target)
	return fyne.NewMenu(e.u.l.T("Insert placeholder"), items...)
}

// placeholderItems returns the items of placeholderMenu and the name of
// each one's placeholder. A browser hook is offered no {secret.NAME}: a
// secret in a URL the browser opens ends up in its history.
func (e *editor) placeholderItems(target textField) (names []string, items []*fyne.MenuItem) {
	for _, p := range templates.Available(e.h.Triggers) {
		name := placeholderName(p.Token)
		if e.h.Action == hooks.ActionBrowser && name == "secret" {
			continue
		}
		tok := p.Token
		names = append(names, name)
		items = append(items, fyne.NewMenuItem(tok+"   "+e.u.l.placeholderDesc(p.Description), func() { insertAtCursor(target.entry(), tok) }))
	}
	return names, items
}

// placeholderPopup is placeholderMenu as shown: its items in the
// submenus of placeholderGroups, groups without any left out.
func (e *editor) placeholderPopup(target textField) *fyne.Menu {
	groups := placeholderGroups(e.u.l)
	group := map[string]int{}
	for i, g := range groups {
		for _, n := range g.names {
			group[n] = i
		}
	}
	children := make([][]*fyne.MenuItem, len(groups))
	names, items := e.placeholderItems(target)
	for j, it := range items {
		i, ok := group[names[j]]
		if !ok {
			i = len(groups) - 1
		}
		children[i] = append(children[i], it)
	}
	m := fyne.NewMenu(e.u.l.T("Insert placeholder"))
	for i, g := range groups {
		if len(children[i]) == 0 {
			continue
		}
		it := fyne.NewMenuItem(g.title, nil)
		it.ChildMenu = fyne.NewMenu(g.title, children[i]...)
		m.Items = append(m.Items, it)
	}
	return m
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
