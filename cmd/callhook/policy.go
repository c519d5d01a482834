package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/callhook/callhook/hooks"
)

// newPolicyWatcher returns the watcher of the administrator's policy:
// $CALLHOOK_POLICY or the system file, its provisioned policy cached
// under the data directory.
func newPolicyWatcher(p paths, log *slog.Logger) *hooks.PolicyWatcher {
	path, required := hooks.DefaultPolicyPath()
	return hooks.NewPolicyWatcher(hooks.PolicyOptions{Path: path, Required: required, DataDir: p.data, Log: log})
}

// policyNow returns the watcher of the administrator's policy holding
// the policy `run` has once started: the file's, overlaid with what its
// provisioning URL answers now (the cached copy while it fails). For the
// commands that deliver without a running agent.
func policyNow(ctx context.Context, p paths, log *slog.Logger) *hooks.PolicyWatcher {
	w := newPolicyWatcher(p, log)
	w.Load()
	ctx, cancel := context.WithTimeout(ctx, policyCheckTimeout)
	defer cancel()
	w.Refresh(ctx)
	return w
}

// policyLines describes the policy in force for status and config check:
// where from and what it does, when fetched, the last error. No policy
// and no error is one line, "none".
func policyLines(st hooks.PolicyStatus) []string {
	if !st.Active && st.Error == "" {
		return []string{"none"}
	}
	var lines []string
	if st.Active {
		lines = append(lines, fmt.Sprintf("%s (%s)", st.From, st.Policy))
	} else {
		lines = append(lines, "none in force")
	}
	if st.URL != "" {
		var l string
		switch {
		case st.Fetched.IsZero():
			l = "provisioning " + st.URL + ": not fetched yet"
		case st.Cached:
			l = fmt.Sprintf("provisioning %s: cached copy fetched %s", st.URL, stamp(st.Fetched))
		default:
			l = fmt.Sprintf("provisioning %s: fetched %s", st.URL, stamp(st.Fetched))
		}
		if !st.Checked.IsZero() {
			l += ", last answer " + stamp(st.Checked)
		}
		lines = append(lines, l)
	}
	if st.Error != "" {
		keep := " (the policy above stays in force)"
		if !st.Active {
			keep = " (no policy in force)"
		}
		lines = append(lines, "error: "+st.Error+keep)
	}
	return lines
}

// printPolicy prints the policy lines of st, as config check does, when
// a policy is in force or failed to read; nothing without one.
func printPolicy(std stdio, st hooks.PolicyStatus) {
	if !st.Active && st.Error == "" {
		return
	}
	for i, l := range policyLines(st) {
		fmt.Fprintf(std.out, "%-8s%s\n", yesNo(i == 0, "policy:", ""), l)
	}
}

// offNote says why no hook fires, "" when hooks are on: the policy's
// switch first, which the user's cannot undo, then the user's.
func offNote(userOn bool, pol *hooks.Policy) string {
	switch {
	case !pol.Enabled():
		return fmt.Sprintf("all hooks are switched off by the administrator's policy %s (\"hooks_enabled\": false)", pol.Origin)
	case !userOn:
		return "all hooks are switched off (\"enabled\": false)"
	}
	return ""
}

func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }
