package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// pauseClock stands in for the settings tab's timer: a pause in typing
// passes only when the test says so.
type pauseClock struct {
	timers []*pauseTimer
}

type pauseTimer struct {
	d              time.Duration
	f              func()
	stopped, fired bool
}

// usePauseClock puts a pauseClock behind the settings tab of h.
func usePauseClock(h *harness) *pauseClock {
	c := &pauseClock{}
	h.u.settings.after = func(d time.Duration, f func()) func() {
		t := &pauseTimer{d: d, f: f}
		c.timers = append(c.timers, t)
		return func() { t.stopped = true }
	}
	return c
}

// pause fires every timer that is still armed, as a pause in typing
// does, and returns how many fired.
func (c *pauseClock) pause(t *testing.T) int {
	t.Helper()
	n := 0
	for _, tm := range c.timers {
		if tm.stopped || tm.fired {
			continue
		}
		if tm.d != sourcePause {
			t.Errorf("timer armed for %v, want %v", tm.d, sourcePause)
		}
		tm.fired = true
		tm.f()
		n++
	}
	return n
}

// focus clicks e on the Settings tab, so the canvas knows it has the
// keyboard.
func focus(t *testing.T, h *harness, e *sourceEntry) {
	t.Helper()
	h.u.tabs.SelectIndex(2)
	c := h.u.win.Canvas()
	c.Focus(e)
	if c.Focused() != e {
		t.Fatal("the entry did not take the focus")
	}
}

// typeKeys types text into the focused field key by key, as the driver
// hands keys to the focused object; after each key it runs what the UI
// queued and calls each(the text so far).
func typeKeys(h *harness, text string, each func(typed string)) {
	c := h.u.win.Canvas()
	for i, r := range text {
		c.Focused().TypedRune(r)
		h.settle()
		each(text[:i+len(string(r))])
	}
}

// enter replaces e's text, as pasting does, and leaves the field.
func enter(t *testing.T, h *harness, e *sourceEntry, text string) {
	t.Helper()
	focus(t, h, e)
	e.SetText(text)
	h.u.win.Canvas().Unfocus()
	h.settle()
}

func shown(m *widget.Label) string {
	if !m.Visible() {
		return ""
	}
	return m.Text
}

// TestSourceAppliesOnceNotPerKey: typing an upstream key by key saves
// nothing (the proxy restarted per key and resolved "l", "loca"); the
// whole value saves once when the field is left, Enter is pressed or
// typing pauses.
func TestSourceAppliesOnceNotPerKey(t *testing.T) {
	tests := []struct {
		name  string
		apply func(t *testing.T, h *harness, c *pauseClock)
	}{
		{"field left", func(t *testing.T, h *harness, c *pauseClock) { h.u.win.Canvas().Unfocus() }},
		{"focus to the next field", func(t *testing.T, h *harness, c *pauseClock) { h.u.win.Canvas().Focus(h.u.settings.proxy.listen) }},
		{"Enter", func(t *testing.T, h *harness, c *pauseClock) {
			h.u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}},
		{"pause", func(t *testing.T, h *harness, c *pauseClock) {
			if n := c.pause(t); n != 1 {
				t.Errorf("%d pause timers armed after typing, want 1", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, proxyConfig(), Options{})
			c := usePauseClock(h)
			s := h.u.settings
			focus(t, h, s.proxy.upstream)
			s.proxy.upstream.SetText("")
			h.settle()
			before := len(h.b.saved())
			typeKeys(h, "localhost:5060", func(typed string) {
				if n := len(h.b.saved()) - before; n != 0 {
					t.Fatalf("after typing %q: %d saves, want none while typing", typed, n)
				}
				// "localhost:" lacks its port: no problem shows while typing.
				if m := shown(s.proxy.problems.lines["upstream"]); m != "" {
					t.Fatalf("after typing %q: problem shown while typing: %s", typed, m)
				}
			})
			tt.apply(t, h, c)
			h.settle()
			saves := h.b.saved()[before:]
			if len(saves) != 1 {
				t.Fatalf("%d saves after applying, want 1", len(saves))
			}
			if got := saves[0].Source.Proxy.Upstream; got != "localhost:5060" {
				t.Errorf("saved upstream %q, want localhost:5060", got)
			}
			// Whatever comes next (the pause after leaving, leaving after
			// the pause) has nothing new to apply.
			c.pause(t)
			h.u.win.Canvas().Unfocus()
			h.settle()
			if n := len(h.b.saved()) - before; n != 1 {
				t.Errorf("%d saves in all, want 1", n)
			}
		})
	}
}

// TestSourceProblemShowsOnApplyAndClears: a half-typed value shows no
// problem while typed; once applied its problem shows under its field;
// the corrected value saves and the problem goes, with nothing stale
// left anywhere.
func TestSourceProblemShowsOnApplyAndClears(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	usePauseClock(h)
	s := h.u.settings
	up := s.proxy.upstream
	focus(t, h, up)
	up.SetText("")
	h.settle()
	before := len(h.b.saved())
	typeKeys(h, "localhost:", func(typed string) {
		if m := shown(s.proxy.problems.lines["upstream"]); m != "" {
			t.Fatalf("after typing %q: problem shown while typing: %s", typed, m)
		}
	})
	h.u.win.Canvas().Unfocus()
	h.settle()
	if m := shown(s.proxy.problems.lines["upstream"]); !strings.Contains(m, "the port is missing after the colon") {
		t.Errorf("problem under upstream %q, want the missing port", m)
	}
	for name, m := range map[string]*widget.Label{"listen": s.proxy.problems.lines["listen"], "top": s.problems, "source": s.sourceProblem} {
		if shown(m) != "" {
			t.Errorf("problem shown under %s: %q", name, m.Text)
		}
	}
	if n := len(h.b.saved()) - before; n != 0 {
		t.Fatalf("%d saves of an invalid upstream", n)
	}

	focus(t, h, up)
	typeKeys(h, "5060", func(string) {})
	h.u.win.Canvas().Unfocus()
	h.settle()
	if m := shown(s.proxy.problems.lines["upstream"]); m != "" {
		t.Errorf("problem still shown after the fix: %s", m)
	}
	if m := h.u.banner.message(); m != "" {
		t.Errorf("banner after the fix: %s", m)
	}
	if got := h.b.lastSaved(t).Source.Proxy.Upstream; got != "localhost:5060" || len(h.b.saved())-before != 1 {
		t.Errorf("saved upstream %q in %d saves, want localhost:5060 once", got, len(h.b.saved())-before)
	}
}

// TestSaveFailureClearsWhenSourceRecovers: the engine writes the config,
// then starts the source; a source that does not start fails the save
// and raises the banner. Once the source reports a good state, that
// failure no longer holds and the banner goes; other banners stay.
func TestSaveFailureClearsWhenSourceRecovers(t *testing.T) {
	tests := []struct {
		name      string
		banner    func(h *harness)
		wantStays bool
	}{
		{"save failure", func(h *harness) {
			h.b.SaveFn = func(*hooks.Config) error { return errors.New("start proxy: lookup loca: no such host") }
			s := h.u.settings
			enter(h.t, h, s.proxy.upstream, "loca")
			h.b.SaveFn = nil
		}, false},
		{"another error", func(h *harness) {
			h.u.banner.show(bannerError, "The config file changed on disk but has problems", "", nil)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, proxyConfig(), Options{})
			usePauseClock(h)
			tt.banner(h)
			raised := h.u.banner.message()
			if raised == "" {
				t.Fatal("no banner raised")
			}
			h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: sourceError, Err: "lookup loca: no such host"}})
			h.settle()
			if h.u.banner.message() != raised {
				t.Errorf("banner %q while the source is failing, want %q", h.u.banner.message(), raised)
			}
			if h.u.settings.status.Importance != widget.DangerImportance {
				t.Error("status not shown as an error")
			}
			h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: "listening", Detail: "127.0.0.1:5070 (udp)"}})
			h.settle()
			if got := h.u.banner.message(); (got == raised) != tt.wantStays {
				t.Errorf("banner after the source recovered: %q (stays %v)", got, tt.wantStays)
			}
			if st := h.u.settings.status; st.Importance == widget.DangerImportance || strings.Contains(st.Text, "no such host") {
				t.Errorf("status after the source recovered: %q (importance %v)", st.Text, st.Importance)
			}
		})
	}
}

// TestSourceSelectsApplyAtOnce: a select is one choice: it saves once,
// at once, without waiting for a pause.
func TestSourceSelectsApplyAtOnce(t *testing.T) {
	tests := []struct {
		name  string
		pick  func(s *settingsTab)
		check func(src hooks.Source) bool
	}{
		{"transport", func(s *settingsTab) { s.proxy.leg.transport.SetSelected(hooks.TransportTCP) },
			func(src hooks.Source) bool { return src.Proxy.Transport == hooks.TransportTCP }},
		{"mode", func(s *settingsTab) { s.mode.SetSelectedIndex(0) },
			func(src hooks.Source) bool { return src.Mode == hooks.SourceNone }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, proxyConfig(), Options{})
			c := usePauseClock(h)
			before := len(h.b.saved())
			tt.pick(h.u.settings)
			h.settle()
			saves := h.b.saved()[before:]
			if len(saves) != 1 || !tt.check(saves[0].Source) {
				t.Fatalf("%d saves after the choice, want 1 with it: %+v", len(saves), saves)
			}
			if n := c.pause(t); n != 0 {
				t.Errorf("a choice armed %d pause timers", n)
			}
		})
	}
}

// TestSourceProblemHoldsBackNoOtherSetting: an invalid source field stays
// unsaved next to its problem, while the country code and the language
// save on their own (the whole form used to be saved or not at all).
func TestSourceProblemHoldsBackNoOtherSetting(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	usePauseClock(h)
	s := h.u.settings
	enter(t, h, s.proxy.leg.local, "myhost.lan")
	if m := shown(s.proxy.problems.lines["local_address"]); !strings.Contains(m, `"myhost.lan" is not an IP address`) {
		t.Fatalf("problem under local address %q", m)
	}
	s.country.SetText("43")
	h.settle()
	got := h.b.lastSaved(t)
	if got.CountryCode != "43" {
		t.Errorf("country code %q saved, want 43", got.CountryCode)
	}
	if got.Source.Proxy != proxyConfig().Source.Proxy {
		t.Errorf("source changed with the country code: %+v", got.Source.Proxy)
	}
	if m := shown(s.proxy.problems.lines["local_address"]); m == "" {
		t.Error("the local address problem went with the country code save")
	}
	s.language.SetSelectedIndex(2) // Deutsch
	h.settle()
	if got := h.b.lastSaved(t); got.UI.Language != langGerman || got.CountryCode != "43" {
		t.Errorf("after the language: language %q country %q", got.UI.Language, got.CountryCode)
	}
	if got := h.u.tabs.Items[2].Text; got != "Einstellungen" {
		t.Errorf("settings tab %q after switching to German", got)
	}
}

// TestCountryProblemShowsNextToIt: a country code problem shows under the
// field and holds back nothing else.
func TestCountryProblemShowsNextToIt(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	s := h.u.settings
	s.country.SetText("0049")
	h.settle()
	if m := shown(s.countryProblem); !strings.Contains(m, "country code's digits") {
		t.Errorf("country problem %q", m)
	}
	if m := shown(s.problems); m != "" {
		t.Errorf("top problems %q", m)
	}
	tapCheck(s.notify)
	h.settle()
	if got := h.b.lastSaved(t); got.UI.Notify == nil || *got.UI.Notify || got.CountryCode != "49" {
		t.Errorf("after unticking notify: notify %v country %q", got.UI.Notify, got.CountryCode)
	}
	s.country.SetText("+43")
	h.settle()
	if m := shown(s.countryProblem); m != "" || h.b.lastSaved(t).CountryCode != "43" {
		t.Errorf("after +43: problem %q, country %q", m, h.b.lastSaved(t).CountryCode)
	}
}

// TestPauseTimerRunsOnUIGoroutine: the real pause timer hands its work to
// the UI goroutine, and a stop that comes after it fired but before the
// UI goroutine ran it still holds (the user typed again meanwhile).
func TestPauseTimerRunsOnUIGoroutine(t *testing.T) {
	h := newHarness(t, proxyConfig(), Options{})
	s := h.u.settings
	ran := false
	s.afterFunc(time.Millisecond, func() { ran = true })
	receive(t, h.queue, "the first pause")()
	if !ran {
		t.Error("the pause did not run its work")
	}
	ran = false
	stop := s.afterFunc(time.Millisecond, func() { ran = true })
	queued := receive(t, h.queue, "the second pause")
	stop()
	queued()
	if ran {
		t.Error("a pause stopped before the UI goroutine ran it still ran")
	}
}
