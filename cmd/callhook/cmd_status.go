package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/internal/control"
)

// cmdStatus prints the running agent's (or run's) state from its control
// API.
func cmdStatus(p paths, args []string, std stdio) int {
	fs := newFlags("status", &p, std, "status [--json]")
	asJSON := fs.Bool("json", false, "print the state as JSON")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := dialAgent(ctx, p.data, false)
	if errors.Is(err, control.ErrNoAgent) {
		fmt.Fprintf(std.err, "callhook: Callhook is not running on %s: start it with `callhook` (or `callhook run`)\n", p.data)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	if *asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			fmt.Fprintf(std.err, "callhook: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	printStatus(std, st, time.Now())
	return exitOK
}

func printStatus(std stdio, st control.Status, now time.Time) {
	w := std.out
	fmt.Fprintf(w, "callhook %s, pid %d, version %s, up %v\n", st.Kind, st.PID, st.Version, now.Sub(st.Started).Round(time.Second))
	fmt.Fprintf(w, "config:   %s\n", st.Config)
	fmt.Fprintf(w, "data:     %s\n", st.Data)
	onOff := "on"
	switch {
	case !st.Policy.Policy.Enabled():
		onOff = "off (the policy's \"hooks_enabled\": false)"
	case !st.Enabled:
		onOff = "off (\"enabled\": false)"
	}
	fmt.Fprintf(w, "hooks:    %d configured, %s\n", st.Hooks, onOff)
	for i, l := range policyLines(st.Policy) {
		fmt.Fprintf(w, "%-10s%s\n", yesNo(i == 0, "policy:", ""), l)
	}
	fmt.Fprintf(w, "source:   %s\n", sourceLine(st))
	fmt.Fprintf(w, "calls:    %d in progress\n", len(st.Calls))
	for _, c := range st.Calls {
		fmt.Fprintf(w, "          %s\n", callLine(c, now))
	}
	switch {
	case st.Pending < 0:
		fmt.Fprintln(w, "pending:  unknown (the journal did not answer)")
	default:
		fmt.Fprintf(w, "pending:  %d deliveries in the outbox\n", st.Pending)
	}
	if st.Kind == "agent" {
		fmt.Fprintf(w, "window:   %s\n", yesNo(st.Window, "open", "closed"))
		fmt.Fprintf(w, "tray:     %s\n", yesNo(st.Tray, "shown", "none (closing the window quits)"))
	}
}

func sourceLine(st control.Status) string {
	s := st.Source
	if st.Mode == "none" || st.Mode == "" {
		return "none (simulated calls only)"
	}
	line := st.Mode + ": " + s.State
	var parts []string
	if s.Transport != "" {
		parts = append(parts, s.Transport)
	}
	if s.Detail != "" {
		parts = append(parts, s.Detail)
	}
	if s.Advertised != "" {
		a := "PBX sees us as " + s.Advertised
		if s.Learned {
			a += " (learned behind NAT)"
		}
		parts = append(parts, a)
	}
	if s.Keepalive != "" {
		parts = append(parts, "keepalive "+s.Keepalive)
	}
	if s.Dialect != "" {
		parts = append(parts, "dialect "+s.Dialect)
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	if s.Err != "" {
		line += ": " + s.Err
	}
	return line
}

// callLine prints a call in progress. Numbers and names come from the
// network: quoted, so no control character reaches the terminal.
func callLine(c call.Call, now time.Time) string {
	state := "ringing"
	if !c.Answer.IsZero() {
		state = "talking " + c.Duration(now).Round(time.Second).String()
	}
	r := c.Remote()
	who := strconv.QuoteToASCII(r.Number)
	if r.Name != "" {
		who += " " + strconv.QuoteToASCII(r.Name)
	}
	line := fmt.Sprintf("%s %s %s", c.Direction, who, state)
	if c.Queue != "" {
		line += " queue " + strconv.QuoteToASCII(c.Queue)
	}
	return line
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
