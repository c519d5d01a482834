package ui

import (
	"strings"
	"testing"
	"time"
)

// likeFyneAfterQuit plays fyne once its loop has ended: what the UI hands
// to fyne.Do runs at once on the goroutine that hands it over, not on the
// UI goroutine. Here one other goroutine runs h's queued work; with -race,
// work that touched the UI there would race the test goroutine, which
// plays the goroutine that ran the app. It returns a func that stops it.
func likeFyneAfterQuit(h *harness) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case f := <-h.queue:
				f()
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// A source field applies when it is left or typing pauses for 800 ms;
// quitting within the pause must save what was typed, whether the window
// quit (closed, Ctrl+W, SIGTERM handled by callhook) or fyne quit on its
// own (its SIGINT and SIGTERM handler can beat callhook's).
func TestQuitSavesWhatWasTypedLast(t *testing.T) {
	tests := []struct {
		name string
		quit bool // Quit ran before the app's Run returned
	}{
		{"the window quits", true},
		{"fyne quits on its own", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessApp(t, proxyConfig(), Options{})
			s := h.u.settings
			s.after = func(time.Duration, func()) func() { return func() {} } // the pause never comes
			h.u.tabs.SelectIndex(2)
			h.u.win.Canvas().Focus(s.proxy.upstream)
			s.proxy.upstream.SetText("pbx2.example.com:5060")
			h.settle()
			if n := len(h.b.saved()); n != 0 {
				t.Fatalf("%d saves while typing, want none", n)
			}
			if tt.quit {
				h.u.Quit()
			}
			stop := likeFyneAfterQuit(h)
			h.u.Finish()
			stop()
			if got := h.b.lastSaved(t).Source.Proxy.Upstream; got != "pbx2.example.com:5060" {
				t.Errorf("saved upstream %q, want the one typed before quitting", got)
			}
			if h.u.saving() {
				t.Error("Finish returned with a save still running")
			}
		})
	}
}

// An event that reaches the UI after quitting changes nothing: fyne would
// run it off its UI goroutine ("Error in Fyne call thread"), and the
// window it would update is gone.
func TestEventAfterQuitIsDropped(t *testing.T) {
	h := newHarnessApp(t, proxyConfig(), Options{})
	s := h.u.settings
	s.after = func(time.Duration, func()) func() { return func() {} }
	before := s.status.Text
	// A save in flight keeps Finish running the UI work that comes late.
	s.proxy.upstream.SetText("pbx2.example.com:5060")
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: sourceError, Err: "bind: address already in use"}})
	h.u.Quit()
	stop := likeFyneAfterQuit(h)
	h.u.Finish()
	stop()
	if got := s.status.Text; got != before || strings.Contains(got, "address already in use") {
		t.Errorf("status %q after quitting, want %q", got, before)
	}
	if got := h.b.lastSaved(t).Source.Proxy.Upstream; got != "pbx2.example.com:5060" {
		t.Errorf("saved upstream %q", got)
	}
}
