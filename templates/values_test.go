package templates

import (
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

func TestE164(t *testing.T) {
	tests := []struct {
		name, in, cc, want string
	}{
		{"national with trunk zero", "0301234", "49", "+49301234"},
		{"international 00 prefix", "0049301234", "49", "+49301234"},
		{"already e164", "+49301234", "49", "+49301234"},
		{"foreign 00 prefix keeps its country", "0033123456", "49", "+33123456"},
		{"spaces dashes parens", "(030) 123-45 67", "49", "+49301234567"},
		{"dots and slashes", "030/123.45", "49", "+493012345"},
		{"plus with spaces", "+49 30 1234", "49", "+49301234"},
		{"country code given with plus", "0301234", "+43", "+43301234"},
		{"no country code keeps national", "0301234", "", "0301234"},
		{"extension stays as is", "1002", "49", "1002"},
		{"anonymous is not a number", "anonymous", "49", ""},
		{"letters mixed in", "030abc", "49", ""},
		{"plus in the middle", "49+30", "49", ""},
		{"empty", "", "49", ""},
		{"only plus", "+", "49", ""},
		{"only 00", "00", "49", ""},
		{"only zero", "0", "49", "0"},
		{"surrounding whitespace", "  0301234 ", "49", "+49301234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := E164(tt.in, tt.cc); got != tt.want {
				t.Errorf("E164(%q, %q) = %q, want %q", tt.in, tt.cc, got, tt.want)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"e164", "+49 (30) 123-4", "49301234"},
		{"letters dropped", "a1b2c3", "123"},
		{"unicode digits dropped", "١٢٣4", "4"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Digits(tt.in); got != tt.want {
				t.Errorf("Digits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderValues(t *testing.T) {
	hangup := Sample(call.IncomingHangup, "max", "49")
	outgoing := Sample(call.OutgoingAnswer, "max", "49")
	queue := Sample(call.QueueMissed, "max", "49")
	inProgress := Sample("", "max", "49")
	inProgress.Call.End = time.Time{}
	inProgress.Now = inProgress.Call.Answer.Add(90 * time.Second)
	renderCases(t, []renderCase{
		{"caller and callee", "{caller}>{callee}", hangup, "03012345678>1002"},
		{"remote of incoming is caller", "{remote}|{remote_name}", hangup, "03012345678|Erika Mustermann"},
		{"remote of outgoing is callee", "{remote}|{remote_name}", outgoing, "08912345678|Max Mustermann"},
		{"names", "{caller_name}/{callee_name}", outgoing, "max/Max Mustermann"},
		{"user direction trigger", "{user} {direction} {trigger}", hangup, "max in incoming.hangup"},
		{"duration seconds and ms", "{duration} {duration_ms}", hangup, "155 155250"},
		{"times", "{time} {start} {answer} {end}", hangup, "1741944413 2025-03-14T09:26:53Z 2025-03-14T09:27:01Z 2025-03-14T09:29:36Z"},
		{"outcome", "{outcome}", hangup, "answered"},
		{"missed has no answer, zero duration", "[{answer}] {duration} {outcome}", queue, "[] 0 missed"},
		{"queue name on queue trigger", "{queue}", queue, "Support"},
		{"queue empty on direct call", "[{queue}]", hangup, "[]"},
		{"header case-insensitive", "{header.X-QUEUE}", queue, "Support"},
		{"missing header empty", "[{header.X-Nope}]", hangup, "[]"},
		{"e164 filter", "{remote|e164}", hangup, "+493012345678"},
		{"digits filter", "{caller_name|digits}", hangup, ""},
		{"call id", "{call_id}", hangup, "sample-7f3a9c2e41d8"},
		{"secret", "{secret.crm}", hangup, "SECRET"},
		{"unfillable duration is empty on answer", "[{duration}][{end}][{outcome}]", outgoing, "[][][]"},
		{"no trigger: duration counts to now", "{duration}", inProgress, "90"},
	})
}

// renderCase is a template rendered with d, and what it must give.
type renderCase struct {
	name string
	src  string
	d    Data
	want string
}

func renderCases(t *testing.T, tests []renderCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tpl.Render(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestRenderSecretErrors(t *testing.T) {
	tpl, err := Parse("{secret.crm}")
	if err != nil {
		t.Fatal(err)
	}
	d := Sample(call.IncomingRing, "", "")
	d.Secret = nil
	if _, err := tpl.Render(d); err == nil {
		t.Error("secret rendered without a resolver")
	}
	d.Secret = func(name string) (string, error) { return "", errTest }
	if _, err := tpl.Render(d); err == nil || !isErr(err, errTest) {
		t.Errorf("resolver error not wrapped: %v", err)
	}
}

func TestRenderHeader(t *testing.T) {
	d := Sample(call.IncomingRing, "", "")
	d.Call.Caller.Name = "Eve\r\nX-Evil: 1\x00\x7f\u0085\t\xffok €"
	tpl, err := Parse("Name {caller_name}")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.RenderHeader(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Name EveX-Evil: 1ok €"; got != want {
		t.Errorf("RenderHeader = %q, want %q", got, want)
	}
}
