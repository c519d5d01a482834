package main

import (
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

func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }
