package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// simulation is the call "Simulate a call" plays: the agent rings it,
// answers it after SimulatedRing and ends it SimulatedTalk later.
type simulation struct {
	dir    call.Direction
	queue  string // incoming only: the call is a call of this queue
	number string
	name   string
}

func defaultSimulation() simulation {
	return simulation{dir: call.In, number: "+49301234567", name: "Jane Doe"}
}

// party is the other party as the Calls tab shows it.
func (s simulation) party() string { return party(call.Party{Number: s.number, Name: s.name}) }

// simulateForm asks which call to simulate.
type simulateForm struct {
	dir    *widget.RadioGroup
	dirs   []call.Direction
	queue  *dialogSelectEntry
	number *dialogEntry
	name   *dialogEntry
	items  []*widget.FormItem
}

func newSimulateForm(u *UI, s simulation) *simulateForm {
	l := u.l
	f := &simulateForm{dirs: []call.Direction{call.In, call.Out}}
	var queues []string
	for _, q := range u.cfg.Queues {
		queues = append(queues, q.Name)
	}
	f.queue = newDialogSelectEntry(u, queues)
	f.queue.SetText(s.queue)
	f.queue.SetPlaceHolder(l.T("none: a direct call"))
	f.dir = widget.NewRadioGroup([]string{l.T("Incoming"), l.T("Outgoing")}, func(string) { f.showQueue() })
	f.dir.Horizontal = true
	f.dir.Required = true
	f.dir.SetSelected(f.dir.Options[0])
	if s.dir == call.Out {
		f.dir.SetSelected(f.dir.Options[1])
	}
	f.number = newDialogEntry(u)
	f.number.SetText(s.number)
	f.number.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(l.T("Enter the number of the other party."))
		}
		return nil
	}
	f.name = newDialogEntry(u)
	f.name.SetText(s.name)
	f.name.SetPlaceHolder(l.T("optional"))
	queue := widget.NewFormItem(l.T("Queue"), f.queue)
	queue.HintText = l.T("A queue name makes it a queue call.")
	f.items = []*widget.FormItem{
		widget.NewFormItem(l.T("Call"), f.dir),
		queue,
		widget.NewFormItem(l.T("Number"), f.number),
		widget.NewFormItem(l.T("Name"), f.name),
	}
	return f
}

// showQueue offers the queue for incoming calls only: an outgoing call
// is never a queue call.
func (f *simulateForm) showQueue() {
	if f.direction() == call.In {
		f.queue.Enable()
	} else {
		f.queue.Disable()
	}
}

func (f *simulateForm) direction() call.Direction {
	for i, o := range f.dir.Options {
		if o == f.dir.Selected {
			return f.dirs[i]
		}
	}
	return call.In
}

func (f *simulateForm) simulation() simulation {
	s := simulation{dir: f.direction(), number: strings.TrimSpace(f.number.Text), name: strings.TrimSpace(f.name.Text)}
	if s.dir == call.In {
		s.queue = strings.TrimSpace(f.queue.Text)
	}
	return s
}

// simulate asks which call to play, then plays it.
func (h *hooksTab) simulate() {
	l := h.u.l
	f := newSimulateForm(h.u, h.sim)
	f.showQueue()
	d := dialog.NewForm(l.T("Simulate a call"), l.T("Simulate"), l.T("Cancel"), f.items, func(ok bool) {
		if ok {
			h.sim = f.simulation()
			h.play(h.sim)
		}
	}, h.u.win)
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	h.u.showDialog(d)
}

// play feeds the synthetic call through the hooks, so a new user sees
// them fire without a PBX, and says why none will when that is known.
func (h *hooksTab) play(s simulation) {
	l := h.u.l
	var msg string
	switch {
	case s.dir == call.Out:
		msg = l.Tf("Simulating an outgoing call to %s…", s.party())
	case s.queue != "":
		msg = l.Tf("Simulating a call of the queue %s from %s…", sanitize(s.queue, maxNoticeText), s.party())
	default:
		msg = l.Tf("Simulating an incoming call from %s…", s.party())
	}
	h.statusOff = false
	h.u.simFade.cancel()
	showMessage(h.status, msg)
	h.u.spawn(func() {
		ctx, cancel := context.WithTimeout(h.u.ctx, time.Minute)
		defer cancel()
		err := h.u.b.SimulateWith(ctx, s.dir, s.number, s.name, s.queue)
		h.u.do(func() {
			if err != nil {
				h.status.SetText(l.Tf("Simulation failed: %v", err))
				return
			}
			text := l.Tf("The simulated call rings for %d s, is answered and ends %d s later: the Calls tab shows what fired.",
				int(SimulatedRing/time.Second), int(SimulatedTalk/time.Second))
			if why := h.silent(s); why != "" {
				text += "\n" + why
			}
			h.statusOff = !h.u.cfg.Enabled
			h.status.SetText(text)
			h.u.calls.changed()
			h.u.simFade.stop = h.u.after(simCallLength, func() { h.awaitDeliveries(0) })
		})
	})
}

// The word that a simulated call plays holds while the call plays and its
// deliveries run: it clears simLinger after they are done. The call plays
// simCallLength (see Backend.SimulateWith); then the deliveries are
// checked every simPoll, for at most simWaitMax (retries of a failing
// receiver may take hours: the Calls tab follows them, not this line).
const (
	simCallLength = SimulatedRing + SimulatedTalk
	simPoll       = 2 * time.Second
	simWaitMax    = time.Minute
	simLinger     = 10 * time.Second
)

// fade clears a status line once what it says no longer holds; stop is
// the timer running towards that.
type fade struct{ stop func() }

// cancel stops the timer: the line stays as it is.
func (f *fade) cancel() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
}

// awaitDeliveries clears the status once no simulated call plays and no
// delivery of one is pending, simLinger later; waited is how long it
// has checked so far.
func (h *hooksTab) awaitDeliveries(waited time.Duration) {
	h.u.simFade.stop = nil
	h.u.spawn(func() {
		ctx, cancel := context.WithTimeout(h.u.ctx, 10*time.Second)
		defer cancel()
		busy := slices.ContainsFunc(h.u.b.ActiveCalls(), simulated)
		rows, err := h.u.b.History(ctx, historyLimit)
		busy = busy || err == nil && slices.ContainsFunc(rows, simulationPending)
		h.u.do(func() {
			if h.u.hooks != h || !h.status.Visible() {
				return // rebuilt in another language, or cleared meanwhile
			}
			if busy && waited < simWaitMax {
				h.u.simFade.stop = h.u.after(simPoll, func() { h.awaitDeliveries(waited + simPoll) })
				return
			}
			h.u.simFade.stop = h.u.after(simLinger, h.clearSimulation)
		})
	})
}

// simulationPending reports a simulated call with a delivery not final.
func simulationPending(r CallRow) bool {
	return simulated(r.Call) && slices.ContainsFunc(r.Deliveries, func(d DeliveryRow) bool { return d.State == hooks.StatePending })
}

// clearSimulation takes the simulate status away: its time is over, or
// the user has started something else.
func (h *hooksTab) clearSimulation() {
	h.u.simFade.cancel()
	h.statusOff = false
	showMessage(h.status, "")
}

// silent says why no hook fires for s, or "" when one may.
func (h *hooksTab) silent(s simulation) string {
	l := h.u.l
	// The hooks in force: the policy's switch and managed hooks too.
	eff := h.u.inForce()
	switch {
	case !h.u.policy().Enabled():
		return l.T("No hook fires: your administrator's policy switches all hooks off.")
	case !eff.Enabled:
		return l.T("No hook fires: all hooks are switched off.")
	}
	var want []call.Trigger
	for _, p := range []call.Phase{call.PhaseRing, call.PhaseAnswer, call.PhaseHangup} {
		if t, ok := call.TriggerFor(s.dir, s.queue != "", p); ok {
			want = append(want, t)
		}
	}
	fires := func(hk hooks.Hook) bool {
		return hk.Enabled && slices.ContainsFunc(hk.Triggers, func(t call.Trigger) bool { return slices.Contains(want, t) })
	}
	if slices.ContainsFunc(eff.Hooks, fires) {
		return ""
	}
	return l.Tf("No hook fires: no switched-on hook fires on \"%s\".", triggerColumnOf(l, want[0]).title)
}
