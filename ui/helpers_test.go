package ui

import (
	"strings"
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

// findButtons maps the text of every button under o to the button.
func findButtons(o fyne.CanvasObject) map[string]*widget.Button {
	out := map[string]*widget.Button{}
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if _, ok := out[w.Text]; !ok {
				out[w.Text] = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
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
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}
