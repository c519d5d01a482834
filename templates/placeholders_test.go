package templates

import (
	"slices"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		triggers []call.Trigger
		want     []string
	}{
		{"duration on answer", "{duration}", []call.Trigger{call.IncomingAnswer}, []string{"{duration} is always empty on incoming.answer"}},
		{"duration on hangup is fine", "{duration}{duration_ms}{end}{outcome}", []call.Trigger{call.IncomingHangup, call.QueueMissed}, nil},
		{"answer on missed", "{answer}", []call.Trigger{call.IncomingMissed, call.IncomingHangup, call.OutgoingAnswer}, []string{"{answer} is always empty on incoming.missed"}},
		{"answer on ring and start", "{answer}", []call.Trigger{call.IncomingRing, call.OutgoingStart}, []string{"{answer} is always empty on incoming.ring, outgoing.start"}},
		{"queue on direct triggers", "{queue}", []call.Trigger{call.QueueRing, call.IncomingRing, call.OutgoingHangup}, []string{"{queue} is always empty on incoming.ring, outgoing.hangup"}},
		{"header and secret are fine", "{header.X}{secret.y}{json}{caller}", []call.Trigger{call.OutgoingStart}, nil},
		{"repeated placeholder warned once", "{end}{end}{outcome}", []call.Trigger{call.QueueAnswer}, []string{"{end} is always empty on queue.answer", "{outcome} is always empty on queue.answer"}},
		{"no triggers, no warnings", "{duration}", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := Warnings(tpl, tt.triggers); !slices.Equal(got, tt.want) {
				t.Errorf("Warnings = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAvailable(t *testing.T) {
	tokens := func(ps []Placeholder) []string {
		var out []string
		for _, p := range ps {
			if p.Description == "" {
				t.Errorf("%s has no description", p.Token)
			}
			out = append(out, p.Token)
		}
		return out
	}
	all := tokens(Available(nil))
	tests := []struct {
		name     string
		triggers []call.Trigger
		has      []string
		lacks    []string
	}{
		{"no triggers lists all", nil, []string{"{caller}", "{remote|e164}", "{remote|digits}", "{duration}", "{queue}", "{header.NAME}", "{secret.NAME}", "{json}"}, nil},
		{"ring lacks duration and answer", []call.Trigger{call.IncomingRing}, []string{"{caller}", "{start}", "{time}"}, []string{"{duration}", "{answer}", "{end}", "{outcome}", "{queue}"}},
		{"queue hangup has everything", []call.Trigger{call.QueueHangup}, []string{"{duration}", "{answer}", "{queue}", "{outcome}"}, nil},
		{"mixed triggers intersect", []call.Trigger{call.QueueHangup, call.IncomingMissed}, []string{"{duration}", "{outcome}"}, []string{"{answer}", "{queue}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokens(Available(tt.triggers))
			for _, h := range tt.has {
				if !slices.Contains(got, h) {
					t.Errorf("missing %s in %v", h, got)
				}
			}
			for _, l := range tt.lacks {
				if slices.Contains(got, l) {
					t.Errorf("%s offered for %v", l, tt.triggers)
				}
			}
		})
	}
	// Every offered token parses: the menu never inserts a broken template.
	for _, tok := range all {
		if _, err := Parse(strings.ReplaceAll(tok, "NAME", "X")); err != nil {
			t.Errorf("%s: %v", tok, err)
		}
	}
}

func TestSampleFillsItsTrigger(t *testing.T) {
	for _, tr := range call.Triggers() {
		t.Run(string(tr), func(t *testing.T) {
			d := Sample(tr, "max", "49")
			if d.Trigger != tr || d.Call.ID == "" || d.Call.Start.IsZero() {
				t.Fatalf("sample %+v", d)
			}
			for _, p := range Available([]call.Trigger{tr}) {
				if strings.Contains(p.Token, "NAME") || p.Token == "{queue}" && !strings.HasPrefix(string(tr), "queue.") {
					continue
				}
				tpl, err := Parse(p.Token)
				if err != nil {
					t.Fatal(err)
				}
				if v, err := tpl.Render(d); err != nil || v == "" {
					t.Errorf("%s renders %q, %v on its own sample", p.Token, v, err)
				}
			}
		})
	}
}
