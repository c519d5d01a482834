package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// tapCheck taps a check box in the middle of its box, where fyne takes
// taps.
func tapCheck(c *widget.Check) {
	test.TapAt(c, fyne.NewPos(4, c.Size().Height/2))
}

// visit calls fn for o and every object under it, containers and widget
// renderers included.
func visit(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			visit(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			visit(c, fn)
		}
	}
}

// findButtons maps the text of every button under o to the button (the
// first, where texts repeat).
func findButtons(o fyne.CanvasObject) map[string]*widget.Button {
	out := map[string]*widget.Button{}
	visit(o, func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Button); ok {
			if _, seen := out[w.Text]; !seen {
				out[w.Text] = w
			}
		}
	})
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sampleStart() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }

// labels joins the text of every label under o, one per line.
func labels(o fyne.CanvasObject) string {
	var b strings.Builder
	visit(o, func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Label); ok {
			b.WriteString(w.Text + "\n")
		}
	})
	return b.String()
}

// editing opens the editor on hook id of the sample config.
func editing(t *testing.T, id string) (*harness, *editor) {
	t.Helper()
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit(id)
	h.settle()
	return h, h.u.hooks.editor
}
