package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func cmdHistory(p paths, args []string, std stdio) int {
	fs := newFlags("history", &p, std, "history [--limit N] [--json]")
	limit := fs.Int("limit", 20, "show the newest `N` calls")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	if *limit < 1 {
		fmt.Fprintln(std.err, "callhook history: --limit must be at least 1")
		return exitUsage
	}
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	j, err := hooks.Open(p.data)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	defer j.Close()
	calls, err := j.Calls(context.Background(), *limit)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	if *asJSON {
		return printHistoryJSON(std, calls)
	}
	if len(calls) == 0 {
		fmt.Fprintln(std.out, "no calls yet")
		return exitOK
	}
	tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
	for _, c := range calls {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Call.Start.Local().Format("2006-01-02 15:04:05"),
			direction(c.Call), describeParty(c.Call.Remote()), c.Call.Outcome, talkTime(c.Call))
		for _, d := range c.Deliveries {
			status := string(d.State)
			if d.StatusCode != 0 {
				status += fmt.Sprintf(" HTTP %d", d.StatusCode)
			}
			if d.Error != "" {
				status += " - " + d.Error
			}
			fmt.Fprintf(tw, "\t  %s\t%s\t%d attempt(s)\t%s\n", d.Trigger, d.HookID, d.Attempts, status)
		}
	}
	tw.Flush()
	return exitOK
}

func direction(c call.Call) string {
	switch {
	case c.Queue != "":
		return "queue " + c.Queue
	case c.Direction == call.Out:
		return "outgoing"
	}
	return "incoming"
}

// describeParty shows a number and name; both came from the network, so
// control characters are dropped before they reach the terminal.
func describeParty(p call.Party) string {
	s := p.Number
	if p.Name != "" {
		s += " (" + p.Name + ")"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

func talkTime(c call.Call) string {
	if c.Answer.IsZero() {
		return ""
	}
	return c.Duration(time.Now()).Round(time.Second).String()
}

// historyCall is the JSON shape of `history --json`.
type historyCall struct {
	call.Call
	Deliveries []historyDelivery `json:"deliveries"`
}

type historyDelivery struct {
	WebhookID  string       `json:"webhook_id"`
	HookID     string       `json:"hook"`
	Trigger    call.Trigger `json:"trigger"`
	Action     string       `json:"action"`
	State      hooks.State  `json:"state"`
	Attempts   int          `json:"attempts"`
	StatusCode int          `json:"status_code,omitempty"`
	Error      string       `json:"error,omitempty"`
	LatencyMS  int64        `json:"latency_ms"`
	Updated    time.Time    `json:"updated"`
}

func printHistoryJSON(std stdio, calls []hooks.CallEntry) int {
	out := make([]historyCall, 0, len(calls))
	for _, c := range calls {
		hc := historyCall{Call: c.Call, Deliveries: []historyDelivery{}}
		hc.Headers = nil
		for _, d := range c.Deliveries {
			hc.Deliveries = append(hc.Deliveries, historyDelivery{
				WebhookID: d.WebhookID, HookID: d.HookID, Trigger: d.Trigger, Action: d.Action, State: d.State,
				Attempts: d.Attempts, StatusCode: d.StatusCode, Error: d.Error, LatencyMS: d.Latency.Milliseconds(), Updated: d.Updated,
			})
		}
		out = append(out, hc)
	}
	enc := json.NewEncoder(std.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	return exitOK
}
