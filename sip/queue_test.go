package sip

import (
	"testing"

	"github.com/callhook/callhook/call"
)

func TestClassify(t *testing.T) {
	rules := []QueueRule{
		{Name: "Support", Numbers: []string{"200", "201"}, DisplayPrefix: "Support:"},
		{Name: "Sales", Numbers: []string{"300"}, Header: "X-Queue"},
		{Name: "Any", Header: "X-Any"},
		{Name: "Empty", Numbers: []string{""}},
	}
	for _, tc := range []struct {
		name string
		o    Observation
		want string // queue name, "" for none
	}{
		{"callee number", Observation{Callee: call.Party{Number: "201"}}, "Support"},
		{"diversion target", Observation{Callee: call.Party{Number: "1001"}, Targets: []string{"1001", "300"}}, "Sales"},
		{"display prefix", Observation{Caller: call.Party{Name: "Support: Ann"}}, "Support"},
		{"prefix is case sensitive", Observation{Caller: call.Party{Name: "support: Ann"}}, ""},
		{"header names queue", Observation{Headers: map[string]string{"x-queue": "sales"}}, "Sales"},
		{"header names number", Observation{Headers: map[string]string{"x-queue": " 300 "}}, "Sales"},
		{"header names other queue", Observation{Headers: map[string]string{"x-queue": "Support"}}, ""},
		{"empty header value matches", Observation{Headers: map[string]string{"x-any": ""}}, "Any"},
		{"empty number never matches", Observation{Callee: call.Party{Number: ""}}, ""},
		{"first rule wins", Observation{Callee: call.Party{Number: "200"}, Headers: map[string]string{"x-queue": "Sales"}}, "Support"},
		{"direct call", Observation{Callee: call.Party{Number: "1001"}, Targets: []string{"1001"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := classify(rules, tc.o)
			if got := map[bool]string{true: r.Name}[ok]; got != tc.want {
				t.Errorf("classify = %q, want %q", got, tc.want)
			}
		})
	}
}
