package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/control"
)

// `callhook status` says which policy is in force, from where, when it
// was fetched, and the last error.
func TestStatusPolicyLines(t *testing.T) {
	fetched := time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local)
	for _, tc := range []struct {
		name string
		st   hooks.PolicyStatus
		want []string
	}{
		{name: "none", want: []string{"policy:   none\n"}},
		{name: "provisioned, cached, URL down",
			st: hooks.PolicyStatus{Active: true, File: "/etc/callhook/policy.json", URL: "https://admin.example.com/p.json",
				From: "/etc/callhook/policy.json + https://admin.example.com/p.json (cached copy)", Cached: true, Fetched: fetched,
				Error:  "fetch policy: connection refused",
				Policy: &hooks.Policy{HooksEnabled: new(false), AllowedHosts: []string{"crm.example.com"}}},
			want: []string{
				"hooks:    2 configured, off (the policy's \"hooks_enabled\": false)\n",
				"policy:   /etc/callhook/policy.json + https://admin.example.com/p.json (cached copy) (hooks switched off, hosts crm.example.com)\n",
				"          provisioning https://admin.example.com/p.json: cached copy fetched 2026-03-02 09:30:00\n",
				"          error: fetch policy: connection refused (the policy above stays in force)\n",
			}},
		{name: "broken file, nothing in force",
			st:   hooks.PolicyStatus{File: "/etc/callhook/policy.json", Error: "policy /etc/callhook/policy.json: line 1, column 2: x: unknown key"},
			want: []string{"policy:   none in force\n", "          error: policy /etc/callhook/policy.json: line 1, column 2: x: unknown key (no policy in force)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st := control.Status{Kind: "run", Started: time.Now(), Enabled: tc.st.Policy.Enabled(), Hooks: 2, Mode: "none", Policy: tc.st}
			printStatus(stdio{out: &out}, st, time.Now())
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("status lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
