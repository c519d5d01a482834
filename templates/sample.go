package templates

import (
	"time"

	"github.com/callhook/callhook/call"
)

// sampleStart is a fixed instant so that previews and golden files are
// stable.
var sampleStart = time.Date(2025, time.March, 14, 9, 26, 53, 0, time.UTC)

// Sample returns realistic sample data for a trigger: previews, "test the
// webhook", `callhook hooks test`. Times are filled as far as the trigger's
// phase has come; secrets render as "SECRET". An empty trigger gives a
// finished incoming call and fills every placeholder.
func Sample(t call.Trigger, user, countryCode string) Data {
	if user == "" {
		user = "agent"
	}
	c := call.Call{
		ID:        "sample-7f3a9c2e41d8",
		Direction: call.In,
		Caller:    call.Party{Number: "03012345678", Name: "Erika Mustermann"},
		Callee:    call.Party{Number: "1002", Name: user},
		User:      user,
		Start:     sampleStart,
		Headers:   map[string]string{"user-agent": "Callhook sample"},
	}
	if len(t) > 6 && t[:6] == "queue." {
		c.Queue = "Support"
		c.Headers["x-queue"] = "Support"
		c.Callee = call.Party{Number: "200", Name: "Support"}
	}
	if len(t) > 9 && t[:9] == "outgoing." {
		c.Direction = call.Out
		c.Caller = call.Party{Number: "1002", Name: user}
		c.Callee = call.Party{Number: "08912345678", Name: "Max Mustermann"}
	}
	answer := sampleStart.Add(8 * time.Second)
	end := answer.Add(2*time.Minute + 35*time.Second + 250*time.Millisecond)
	now := sampleStart
	switch {
	case t == "":
		c.Answer, c.End, c.Outcome = answer, end, call.Answered
		now = end
	case t.Phase() == call.PhaseAnswer:
		c.Answer = answer
		now = answer
	case t.Phase() == call.PhaseHangup:
		c.Answer, c.End, c.Outcome = answer, end, call.Answered
		now = end
	case t.Phase() == call.PhaseMissed:
		c.End, c.Outcome = sampleStart.Add(25*time.Second), call.Missed
		now = c.End
	}
	return Data{
		Trigger:     t,
		Call:        c,
		CountryCode: countryCode,
		Now:         now,
		Secret:      func(string) (string, error) { return "SECRET", nil },
	}
}
