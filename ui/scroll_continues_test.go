package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// A long form shows that it continues: fyne's scroller draws a shadow
// at the edge where content goes on and a thin scroll bar (wider under
// the pointer). Checked on the German Settings tab, the longest form, at
// the window's default size.
func TestLongFormShowsWhereItContinues(t *testing.T) {
	cfg := proxyConfig()
	cfg.UI.Language = langGerman
	h := newHarness(t, cfg, Options{})
	h.u.tabs.SelectIndex(2)
	s, ok := h.u.settings.content.(*container.Scroll)
	if !ok {
		t.Skipf("the Settings tab is a %T, not a scroller", h.u.settings.content)
	}
	if s.Content.MinSize().Height <= s.Size().Height {
		t.Skip("the form fits the window: nothing continues")
	}
	shown := func() (shadows, bars int) {
		for _, o := range test.WidgetRenderer(s).Objects() {
			if !o.Visible() {
				continue
			}
			switch fmt.Sprintf("%T", o) {
			case "*widget.Shadow":
				shadows++
			case "*widget.scrollBarArea":
				bars++
			}
		}
		return shadows, bars
	}
	if shadows, bars := shown(); shadows != 1 || bars != 1 {
		t.Errorf("at the top: %d shadows, %d scroll bars; want the bottom shadow and the bar", shadows, bars)
	}
	s.ScrollToOffset(fyne.NewPos(0, 50))
	if shadows, _ := shown(); shadows != 2 {
		t.Errorf("in the middle: %d shadows, want top and bottom", shadows)
	}
}
