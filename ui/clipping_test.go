package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// clip is a text that does not fit the space its widget got.
type clip struct {
	widget, text string
	need, got    float32
}

func (c clip) String() string {
	return fmt.Sprintf("%s %q needs %.0f, got %.0f", c.widget, c.text, c.need, c.got)
}

// visibleWalk calls fn for every visible object under o.
func visibleWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if !o.Visible() {
		return
	}
	fn(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			visibleWalk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			visibleWalk(c, fn)
		}
	}
}

// textWidth is the width of the longest line of s.
func textWidth(s string, style fyne.TextStyle) float32 {
	var w float32
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, fyne.MeasureText(line, theme.TextSize(), style).Width)
	}
	return w
}

// clipped lists the texts under o that do not fit: labels that do not
// wrap (cut or ellipsised alike), buttons and check boxes squeezed below
// their size, a select's chosen option (a select is as wide as its
// placeholder, not its choice).
func clipped(o fyne.CanvasObject) []clip {
	const slack = 0.5
	innerPad := theme.InnerPadding()
	var out []clip
	visibleWalk(o, func(o fyne.CanvasObject) {
		var c clip
		switch w := o.(type) {
		case *widget.Label:
			if w.Wrapping != fyne.TextWrapOff || w.Text == "" {
				return
			}
			c = clip{"Label", w.Text, textWidth(w.Text, w.TextStyle) + 2*innerPad, w.Size().Width}
		case *widget.Button:
			c = clip{"Button", w.Text, w.MinSize().Width, w.Size().Width}
		case *widget.Check:
			c = clip{"Check", w.Text, w.MinSize().Width, w.Size().Width}
		case *canvas.Text:
			// Form labels, check box and radio texts.
			c = clip{"Text", w.Text, w.MinSize().Width, w.Size().Width}
		case *widget.Entry, *sourceEntry, *valueEntry, *dialogEntry:
			e := asEntry(w)
			if e.Text != "" || e.PlaceHolder == "" {
				return // a value scrolls within its field
			}
			c = clip{"Entry placeholder", e.PlaceHolder, textWidth(e.PlaceHolder, e.TextStyle) + 2*innerPad, e.Size().Width}
		case *widget.Select:
			if w.Selected == "" {
				return
			}
			c = clip{"Select", w.Selected, textWidth(w.Selected, fyne.TextStyle{}) + 4*innerPad + theme.IconInlineSize(), w.Size().Width}
		default:
			return
		}
		if c.got+slack < c.need {
			out = append(out, c)
		}
	})
	return out
}

// asEntry returns the entry in the app's entry types.
func asEntry(o fyne.CanvasObject) *widget.Entry {
	switch w := o.(type) {
	case *sourceEntry:
		return &w.Entry
	case *valueEntry:
		return &w.Entry
	case *dialogEntry:
		return &w.Entry
	}
	return o.(*widget.Entry)
}

// knownClips are clipped texts in files this test does not fix, by text,
// each with where it is for whoever edits that file next; the test skips
// a view that has them and says so. None at present.
var knownClips = map[string]string{}

// No text is cut in German, the longer language, at the window's
// default size: every tab, the editor of each kind of hook, the history
// with deliveries.
func TestNoGermanTextIsClipped(t *testing.T) {
	views := []struct {
		name string
		open func(h *harness)
	}{
		{"Hooks", func(h *harness) { h.u.tabs.SelectIndex(0) }},
		{"Hooks, empty", func(h *harness) {
			h.u.cfg.Hooks = nil
			h.u.hooks.refresh()
		}},
		{"editor, browser hook", func(h *harness) { h.u.hooks.edit("crm") }},
		{"editor, POST hook", func(h *harness) { h.u.hooks.edit("log") }},
		{"editor, new hook", func(h *harness) { h.u.hooks.add() }},
		{"editor, a header in the keychain, at the window's smallest width", func(h *harness) {
			cfg := h.u.cfg.Clone()
			cfg.Hooks[1].Headers = map[string]string{"Authorization": "{secret.anrufprotokoll-authorization}"}
			h.u.cfg = cfg
			h.u.hooks.edit("log")
			h.settle()
			h.u.win.Resize(fyne.NewSize(h.u.win.Canvas().Content().MinSize().Width, 680))
		}},
		{"Calls", func(h *harness) { h.u.tabs.SelectIndex(1) }},
		{"Settings, proxy", func(h *harness) { h.u.tabs.SelectIndex(2) }},
		{"Settings, dialog", func(h *harness) {
			cfg := h.u.cfg.Clone()
			cfg.Source = hooks.Source{Mode: hooks.SourceDialog, Dialog: hooks.DialogSource{Transport: "tls"}}
			h.u.cfg = cfg
			h.u.build() // laid out afresh, as the window opens on it
			h.u.tabs.SelectIndex(2)
		}},
		{"Settings, proxy over TLS", func(h *harness) {
			cfg := h.u.cfg.Clone()
			cfg.Source.Proxy.Transport = "tls"
			h.u.cfg = cfg
			h.u.build()
			h.u.tabs.SelectIndex(2)
		}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			cfg := proxyConfig()
			cfg.UI.Language = langGerman
			cfg.Queues = []hooks.Queue{{Name: "Vertrieb", Numbers: []string{"200"}}, {Name: "Support"}}
			cfg.Hooks[1].Headers = map[string]string{"X-Log-Hangups-Authorization": "Bearer x"}
			h := newHarness(t, cfg, Options{})
			h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) { return sampleHistory(), nil }
			v.open(h)
			h.settle()
			c := h.u.win.Canvas()
			if min := c.Content().MinSize(); min.Width > 920 || min.Height > 680 {
				t.Errorf("the window needs %v, more than its default 920×680", min)
			}
			var todo []string
			for _, cl := range clipped(c.Content()) {
				if where, ok := knownClips[cl.text]; ok {
					todo = append(todo, fmt.Sprintf("%s (%s)", cl, where))
					continue
				}
				t.Errorf("clipped: %s", cl)
			}
			if len(todo) > 0 {
				t.Skipf("TODO: clipped in files under edit elsewhere:\n%s", strings.Join(todo, "\n"))
			}
		})
	}
}

// The check finds what it looks for: texts squeezed below their width.
func TestClippedFindsCutText(t *testing.T) {
	long := "Präfix des Anrufernamens und noch mehr"
	sel := widget.NewSelect([]string{long}, nil)
	sel.SetSelected(long)
	e := widget.NewEntry()
	e.SetPlaceHolder(long)
	cut := widget.NewLabel(long)
	cut.Truncation = fyne.TextTruncateEllipsis
	w := test.NewTempWindow(t, container.NewGridWithColumns(4, cut, sel, e, widget.NewLabel("ok")))
	w.Resize(fyne.NewSize(600, 100))
	var got []string
	for _, c := range clipped(w.Content()) {
		got = append(got, c.widget)
	}
	if want := []string{"Label", "Select", "Entry placeholder"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("found %v, want %v", got, want)
	}
}
