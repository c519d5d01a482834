package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// simulateDialog is the open "Simulate a call" form's widgets.
type simulateDialog struct {
	dir          *widget.RadioGroup
	queue        *dialogSelectEntry
	number, name *dialogEntry
	simulate     *widget.Button
}

func openSimulate(t *testing.T, h *harness) simulateDialog {
	t.Helper()
	test.Tap(button(t, h.u.hooks.page, h.u.l.T("Simulate a call")))
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Simulate a call asked nothing")
	}
	var d simulateDialog
	var entries []*dialogEntry
	visit(top, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.RadioGroup:
			d.dir = w
		case *dialogSelectEntry:
			d.queue = w
		case *dialogEntry:
			entries = append(entries, w)
		}
	})
	if d.dir == nil || d.queue == nil || len(entries) != 2 {
		t.Fatalf("the form has direction %v, queue %v, %d fields; want both and number and name", d.dir, d.queue, len(entries))
	}
	d.number, d.name = entries[0], entries[1]
	d.simulate = button(t, top, h.u.l.T("Simulate"))
	return d
}

type played struct {
	dir                 call.Direction
	remote, name, queue string
}

// recordSimulations makes the fake record what it is asked to play.
func recordSimulations(h *harness) chan played {
	got := make(chan played, 4)
	h.b.SimulateWithFn = func(_ context.Context, d call.Direction, remote, name, queue string) error {
		got <- played{d, remote, name, queue}
		return nil
	}
	return got
}

// "Simulate a call" asks for the direction, the queue, the number and the
// name, so that outgoing and queue hooks can be tried too.
func TestSimulateAsksWhichCall(t *testing.T) {
	tests := []struct {
		name       string
		fill       func(d simulateDialog)
		want       played
		wantStatus string
	}{
		{"the defaults: an incoming call", func(simulateDialog) {},
			played{call.In, "+49301234567", "Jane Doe", ""}, "Simulating an incoming call from Jane Doe +49301234567…"},
		{"a queue call", func(d simulateDialog) {
			d.queue.SetText("sales")
			d.number.SetText("0301234")
			d.name.SetText("Müller & Co")
		}, played{call.In, "0301234", "Müller & Co", "sales"}, "Simulating a call of the queue sales from Müller & Co 0301234…"},
		{"an outgoing call has no queue", func(d simulateDialog) {
			d.queue.SetText("sales")
			d.dir.SetSelected("Outgoing")
			d.name.SetText("")
		}, played{call.Out, "+49301234567", "", ""}, "Simulating an outgoing call to +49301234567…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			got := recordSimulations(h)
			d := openSimulate(t, h)
			tt.fill(d)
			if d.queue.Disabled() != (tt.want.dir == call.Out) {
				t.Errorf("queue disabled %v for a %s call", d.queue.Disabled(), tt.want.dir)
			}
			test.Tap(d.simulate)
			if s := h.u.hooks.status.Text; s != tt.wantStatus {
				t.Errorf("status %q, want %q", s, tt.wantStatus)
			}
			h.settle()
			if s := receive(t, got, "the simulation"); s != tt.want {
				t.Errorf("simulated %+v, want %+v", s, tt.want)
			}
			if s := h.u.hooks.status.Text; !strings.HasPrefix(s, "The simulated call rings") {
				t.Errorf("status after the start %q", s)
			}
			// The form opens again with what was played.
			again := openSimulate(t, h)
			if again.number.Text != tt.want.remote || again.name.Text != tt.want.name || again.dir.Selected != arrow(h.u.l, tt.want.dir) {
				t.Errorf("the form opens again with %q %q %q, want the last call's", again.dir.Selected, again.number.Text, again.name.Text)
			}
		})
	}
}

// Without a number there is nothing to simulate; Escape, also from a
// field, closes the form and plays nothing.
func TestSimulateFormNeedsANumberAndEscapes(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	got := recordSimulations(h)
	d := openSimulate(t, h)
	d.number.SetText(" ")
	if !d.simulate.Disabled() {
		t.Error("Simulate is offered without a number")
	}
	c := h.u.win.Canvas()
	c.Focus(d.number)
	pressKey(c, fyne.KeyEscape)
	h.settle()
	if c.Overlays().Top() != nil {
		t.Error("Escape in the number field left the form open")
	}
	select {
	case s := <-got:
		t.Errorf("simulated %+v after Escape", s)
	default:
	}
}

// With the global switch off, the Hooks tab says so and turns it on;
// Simulate and the history say why nothing fired.
func TestGlobalSwitchOffIsExplained(t *testing.T) {
	cfg := sampleConfig()
	cfg.Enabled = false
	h := newHarness(t, cfg, Options{})
	recordSimulations(h)
	notice := "All hooks are switched off: none fires, not even for a simulated call."
	if !h.u.hooks.off.Visible() || !strings.Contains(labels(h.u.hooks.off), notice) {
		t.Fatalf("the Hooks tab does not say the hooks are off:\n%s", labels(h.u.hooks.page))
	}

	test.Tap(openSimulate(t, h).simulate)
	h.settle()
	if s := h.u.hooks.status.Text; !strings.HasSuffix(s, "\nNo hook fires: all hooks are switched off.") {
		t.Errorf("simulate status %q does not say why nothing fires", s)
	}

	showSilentCall(h)
	if text := labels(h.u.calls.history); !strings.Contains(text, "No hook fired for this call: all hooks are switched off.") {
		t.Errorf("the history does not say why nothing fired:\n%s", text)
	}

	h.u.tabs.SelectIndex(0)
	test.Tap(button(t, h.u.hooks.off, "Turn hooks on"))
	h.settle()
	if !h.b.lastSaved(t).Enabled || !h.u.settings.global.Checked {
		t.Error("Turn hooks on did not turn them on everywhere")
	}
	if h.u.hooks.off.Visible() {
		t.Error("the notice stays with the hooks on")
	}
	if h.u.hooks.status.Visible() {
		t.Errorf("the simulate status %q stays with the hooks on", h.u.hooks.status.Text)
	}
	h.u.tabs.SelectIndex(1)
	h.settle()
	if text := labels(h.u.calls.history); strings.Contains(text, "switched off") || !strings.Contains(text, "No hook fired for this call.") {
		t.Errorf("the history still blames the switch:\n%s", text)
	}
}

// A simulated call that no switched-on hook listens to says so.
func TestSimulateSaysWhenNoHookListens(t *testing.T) {
	tests := []struct {
		name string
		fill func(d simulateDialog)
		want string
	}{
		{"outgoing", func(d simulateDialog) { d.dir.SetSelected("Outgoing") },
			`No hook fires: no switched-on hook fires on "Outgoing calls".`},
		{"queue", func(d simulateDialog) { d.queue.SetText("sales") },
			`No hook fires: no switched-on hook fires on "Queue calls".`},
		{"incoming", func(simulateDialog) {}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			recordSimulations(h)
			d := openSimulate(t, h)
			tt.fill(d)
			test.Tap(d.simulate)
			h.settle()
			_, why, _ := strings.Cut(h.u.hooks.status.Text, "\n")
			if why != tt.want {
				t.Errorf("status says %q, want %q", why, tt.want)
			}
		})
	}
}

// The form and what it says speak German.
func TestSimulateInGerman(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	cfg.Queues = []hooks.Queue{{Name: "Vertrieb", Numbers: []string{"200"}}}
	h := newHarness(t, cfg, Options{})
	got := recordSimulations(h)
	d := openSimulate(t, h)
	if d.dir.Selected != "Eingehend" {
		t.Errorf("direction %q, want Eingehend", d.dir.Selected)
	}
	d.queue.SetText("Vertrieb")
	test.Tap(d.simulate)
	if want := "Simuliere einen Anruf der Warteschlange Vertrieb von Jane Doe +49301234567 …"; h.u.hooks.status.Text != want {
		t.Errorf("status %q, want %q", h.u.hooks.status.Text, want)
	}
	h.settle()
	if s := receive(t, got, "the simulation"); s.queue != "Vertrieb" {
		t.Errorf("simulated %+v, want the queue Vertrieb", s)
	}
	if want := `Kein Hook löst aus: Kein eingeschalteter Hook löst bei „Warteschlangen-Anrufe“ aus.`; !strings.HasSuffix(h.u.hooks.status.Text, want) {
		t.Errorf("status %q lacks %q", h.u.hooks.status.Text, want)
	}
}

// showSilentCall puts an answered call that no hook fired for into the
// history and shows the Calls tab.
func showSilentCall(h *harness) {
	h.b.HistoryFn = func(context.Context, int) ([]CallRow, error) {
		return []CallRow{{Call: call.Call{ID: "sim-1@callhook", Direction: call.In, Caller: call.Party{Number: "+49301234567"},
			Start: sampleStart(), End: sampleStart().Add(5e9), Outcome: call.Answered}}}, nil
	}
	h.u.tabs.SelectIndex(1)
	h.settle()
}
