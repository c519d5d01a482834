package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

// menuTokens lists the tokens of a menu's items, submenus included.
func menuTokens(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.ChildMenu != nil {
			out = append(out, menuTokens(it.ChildMenu)...)
			continue
		}
		out = append(out, strings.Fields(it.Label)[0])
	}
	return out
}

// Every placeholder templates offers has a German description.
func TestGermanPlaceholderDescriptions(t *testing.T) {
	for _, p := range templates.Available(nil) {
		if de := germanPlaceholders[p.Description]; strings.TrimSpace(de) == "" {
			t.Errorf("no German for %s's description %q", p.Token, p.Description)
		}
	}
}

// In the German window the menu describes its placeholders in German, and
// its groups have German names.
func TestPlaceholderMenuInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h := newHarness(t, cfg, Options{})
	h.u.hooks.edit("log")
	h.settle()
	e := h.u.hooks.editor
	english := map[string]string{}
	for _, p := range templates.Available(e.h.Triggers) {
		english[p.Token] = p.Description
	}
	for _, it := range e.placeholderMenu(e.body).Items {
		tok, desc, _ := strings.Cut(it.Label, "   ")
		if want := germanPlaceholders[english[tok]]; desc != want || want == "" {
			t.Errorf("%s described as %q, want %q", tok, desc, want)
		}
	}
	var groups []string
	for _, it := range e.placeholderPopup(e.body).Items {
		groups = append(groups, it.Label)
	}
	if want := []string{"Rufnummern", "Namen", "Der Anruf", "Beginn", "Annahme, Ende, Dauer", "Weitere"}; !slices.Equal(groups, want) {
		t.Errorf("groups %q, want %q", groups, want)
	}
}

// The menu shown holds each placeholder the editor offers once, in
// submenus, in the same order.
func TestPlaceholderPopupGroupsEveryPlaceholder(t *testing.T) {
	h, e := editing(t, "log")
	e.setTriggers(call.IncomingHangup, call.QueueHangup)
	h.settle()
	flat := menuTokens(e.placeholderMenu(e.body))
	var grouped []string
	for _, it := range e.placeholderPopup(e.body).Items {
		if it.ChildMenu == nil || len(it.ChildMenu.Items) == 0 {
			t.Errorf("top-level item %q opens no submenu", it.Label)
			continue
		}
		grouped = append(grouped, menuTokens(it.ChildMenu)...)
	}
	if len(flat) < 20 {
		t.Fatalf("only %d placeholders offered for a queue hangup: %v", len(flat), flat)
	}
	slices.Sort(flat)
	slices.Sort(grouped)
	if !slices.Equal(flat, grouped) {
		t.Errorf("the submenus hold %v,\nthe editor offers %v", grouped, flat)
	}
}

// A browser hook is offered no {secret.NAME}, in the flat list or the
// submenus; a POST hook still is, for its URL and its body.
func TestPlaceholderMenuOffersNoSecretForABrowser(t *testing.T) {
	h, e := editing(t, "crm")
	if e.h.Action != hooks.ActionBrowser {
		t.Fatalf("crm is a %s hook", e.h.Action)
	}
	for _, m := range []*fyne.Menu{e.placeholderMenu(e.url), e.placeholderPopup(e.url)} {
		if toks := menuTokens(m); slices.Contains(toks, "{secret.NAME}") {
			t.Errorf("a browser hook is offered {secret.NAME}: %v", toks)
		}
	}
	h.u.hooks.closeEditor()
	h.u.hooks.edit("log")
	h.settle()
	e = h.u.hooks.editor
	for _, target := range []textField{e.url, e.body} {
		if toks := menuTokens(e.placeholderPopup(target)); !slices.Contains(toks, "{secret.NAME}") {
			t.Errorf("a POST hook is not offered {secret.NAME}: %v", toks)
		}
	}
}

// within reports whether o lies wholly inside c, but for slack at the
// bottom.
func within(c fyne.Canvas, o fyne.CanvasObject, slack float32) bool {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	s := o.Size()
	return p.X >= 0 && p.Y >= 0 && p.X+s.Width <= c.Size().Width+0.5 && p.Y+s.Height <= c.Size().Height+slack+0.5
}

// shownMenus returns the menus shown in the pop-up on top of c: the menu
// and any open submenu.
func shownMenus(c fyne.Canvas) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	visibleWalk(c.Overlays().Top(), func(o fyne.CanvasObject) {
		switch o.(type) {
		case *widget.PopUpMenu, *widget.Menu:
			out = append(out, o)
		}
	})
	return out
}

// The menu fits the window at its smallest, shown from either button,
// every submenu too: nothing is cut at the window's edge (fyne cuts a
// menu that is too tall and scrolls it, but the keyboard walks past what
// it shows), in either language.
func TestPlaceholderMenuFitsTheSmallestWindow(t *testing.T) {
	for _, lang := range []string{langEnglish, langGerman} {
		t.Run(lang, func(t *testing.T) {
			cfg := sampleConfig()
			cfg.UI.Language = lang
			cfg.Hooks[1].Triggers = []call.Trigger{call.QueueHangup} // every placeholder
			h := newHarness(t, cfg, Options{})
			h.u.hooks.edit("log")
			h.settle()
			e := h.u.hooks.editor
			c := h.u.win.Canvas()
			h.u.win.Resize(c.Content().MinSize())
			if c.Size().Height > 400 {
				t.Fatalf("the window's smallest size %v is not small: the test proves little", c.Size())
			}
			insert := h.u.l.T("Insert placeholder")
			buttons := 0
			visit(e.content, func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok && b.Text == insert {
					buttons++
					e.wheel.reveal(b)
					menuFits(t, c, b)
				}
			})
			if buttons != 2 {
				t.Errorf("found %d placeholder buttons, want the URL's and the body's", buttons)
			}
		})
	}
}

// menuFits opens the menu with b and each of its submenus in turn, and
// fails t for any of them not wholly inside c.
func menuFits(t *testing.T, c fyne.Canvas, b *widget.Button) {
	t.Helper()
	test.Tap(b)
	menu, ok := c.Focused().(*widget.PopUpMenu)
	if !ok {
		t.Fatalf("focus on %T after the tap, want the menu", c.Focused())
	}
	// fyne places a submenu so that all but its bottom padding, below
	// its last item, is inside the window (menuRenderer.layoutActiveChild).
	fits := func(what string, m fyne.CanvasObject, slack float32) {
		if !within(c, m, slack) || m.Size().Height < m.MinSize().Height {
			t.Errorf("%s at %v, %v (needs %v) does not fit the window %v",
				what, fyne.CurrentApp().Driver().AbsolutePositionForObject(m), m.Size(), m.MinSize(), c.Size())
		}
	}
	fits("the menu", menu, 0)
	for i := range menu.Items {
		if i == 0 {
			menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		}
		menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		shown := shownMenus(c)
		if len(shown) != 2 {
			t.Fatalf("item %d: %d menus shown, want the menu and its submenu", i, len(shown))
		}
		fits(fmt.Sprintf("the submenu of item %d", i), shown[1], theme.Padding())
		menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
		menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Escape left the menu open")
	}
}

// The keyboard reaches a placeholder through its group: Down to the
// group, Right into it, Down to the placeholder, Enter inserts it.
func TestPlaceholderMenuByKeyboard(t *testing.T) {
	h, e := editing(t, "crm")
	e.url.SetText("https://crm.example.com/search?phone=")
	e.url.CursorColumn = len(e.url.Text)
	h.settle()
	c := h.u.win.Canvas()
	test.Tap(findButtons(e.content)["Insert placeholder"])
	menu, ok := c.Focused().(*widget.PopUpMenu)
	if !ok {
		t.Fatalf("focus on %T, want the menu", c.Focused())
	}
	for _, k := range []fyne.KeyName{fyne.KeyDown, fyne.KeyRight, fyne.KeyDown, fyne.KeyDown, fyne.KeyDown, fyne.KeyReturn} {
		menu.TypedKey(&fyne.KeyEvent{Name: k})
	}
	h.settle()
	if want := "https://crm.example.com/search?phone={remote|e164}"; e.url.Text != want {
		t.Errorf("URL %q, want %q", e.url.Text, want)
	}
}
