package templates

import (
	"slices"
	"sort"
	"strings"

	"github.com/callhook/callhook/call"
)

// kind is the JSON type of a placeholder's value, which decides how it is
// written where a JSON value is expected.
type kind int

const (
	kindString kind = iota
	kindNumber
	kindObject
)

// info describes one placeholder name.
type info struct {
	kind  kind
	arg   bool // takes .NAME
	order int  // position in menus
	desc  string
	// fills reports whether a trigger can give the placeholder a value;
	// nil means every trigger can.
	fills func(call.Trigger) bool
}

var placeholders = map[string]info{
	"caller":      {order: 1, desc: "calling number"},
	"callee":      {order: 2, desc: "called number"},
	"remote":      {order: 3, desc: "the other party's number"},
	"remote_name": {order: 4, desc: "the other party's display name"},
	"caller_name": {order: 5, desc: "caller's display name"},
	"callee_name": {order: 6, desc: "callee's display name"},
	"user":        {order: 7, desc: "your configured user name"},
	"direction":   {order: 8, desc: "in or out"},
	"queue":       {order: 9, desc: "queue name", fills: isQueue},
	"call_id":     {order: 10, desc: "stable id of the call"},
	"trigger":     {order: 11, desc: "trigger name, e.g. incoming.answer"},
	"time":        {order: 12, kind: kindNumber, desc: "call start, Unix seconds"},
	"start":       {order: 13, desc: "call start, RFC 3339 UTC"},
	"answer":      {order: 14, desc: "answer time, RFC 3339 UTC", fills: hasAnswer},
	"end":         {order: 15, desc: "end time, RFC 3339 UTC", fills: hasEnded},
	"duration":    {order: 16, kind: kindNumber, desc: "talk time in seconds", fills: hasEnded},
	"duration_ms": {order: 17, kind: kindNumber, desc: "talk time in milliseconds", fills: hasEnded},
	"outcome":     {order: 18, desc: "how the call ended: answered, missed, busy, ...", fills: hasEnded},
	"header":      {order: 19, arg: true, desc: "a SIP header of the initial INVITE"},
	"secret":      {order: 20, arg: true, desc: "a secret from the OS keychain (headers, body, URL userinfo)"},
	"json":        {order: 21, kind: kindObject, desc: "the whole call record as JSON"},
}

func isQueue(t call.Trigger) bool { return strings.HasPrefix(string(t), "queue.") }

func hasEnded(t call.Trigger) bool {
	p := t.Phase()
	return p == call.PhaseHangup || p == call.PhaseMissed
}

// hasAnswer: a missed call was never answered; a hung-up one may have been.
func hasAnswer(t call.Trigger) bool {
	p := t.Phase()
	return p == call.PhaseAnswer || p == call.PhaseHangup
}

// filter is one |filter: the placeholders it applies to and the kind of
// what it makes of them.
type filter struct {
	name string
	// on lists the placeholders the filter applies to; nil means every
	// text placeholder.
	on   []string
	kind kind // the kind of the filtered value
}

// applies reports whether f applies to placeholder name.
func (f filter) applies(name string) bool {
	if f.on == nil {
		return placeholders[name].kind == kindString
	}
	return slices.Contains(f.on, name)
}

// filters are the known filters, in the order menus and errors list them.
// e164 and digits make phone numbers of any text placeholder; mmss and
// datetime and offset write a talk time and a time in the shapes CRM APIs
// document (Zoho CRM's Call_Duration "mm:ss", Pipedrive's "YYYY-MM-DD
// HH:MM:SS" UTC, Zoho's ±HH:mm offsets); map writes a value from a fixed
// set in a receiver's words (filter_map.go).
var filters = []filter{
	{name: "e164", kind: kindString},
	{name: "digits", kind: kindString},
	{name: "mmss", on: []string{"duration"}, kind: kindString},
	{name: "datetime", on: timePlaceholders, kind: kindString},
	{name: "offset", on: timePlaceholders, kind: kindString},
	{name: "map", on: mapNames(), kind: kindString},
}

// timePlaceholders hold a point in time as RFC 3339.
var timePlaceholders = []string{"start", "answer", "end"}

// lookupFilter returns the filter called name.
func lookupFilter(name string) (filter, bool) {
	for _, f := range filters {
		if f.name == name {
			return f, true
		}
	}
	return filter{}, false
}

// filterNames lists the known filters for error messages: "e164, digits, ...".
func filterNames() string {
	names := make([]string, len(filters))
	for i, f := range filters {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// takesFilter reports whether any filter applies to placeholder name.
func takesFilter(name string) bool {
	return slices.ContainsFunc(filters, func(f filter) bool { return f.applies(name) })
}

// refKind is the kind of r's value: its filter's, else its placeholder's.
func refKind(r Ref) kind {
	if f, ok := lookupFilter(r.Filter); ok {
		return f.kind
	}
	return placeholders[r.Name].kind
}

// fillable reports whether trigger t can give name a value. An empty
// trigger (a render outside any event) fills everything the data has.
func fillable(name string, t call.Trigger) bool {
	in := placeholders[name]
	return t == "" || in.fills == nil || in.fills(t)
}

// Warnings returns one human-readable warning per placeholder in t that
// one of the triggers cannot fill ("{duration} is always empty on
// incoming.answer").
func Warnings(t *Template, triggers []call.Trigger) []string {
	if t == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range t.Refs() {
		tok := r.Token()
		if seen[tok] {
			continue
		}
		seen[tok] = true
		var missing []string
		for _, tr := range triggers {
			if !fillable(r.Name, tr) {
				missing = append(missing, string(tr))
			}
		}
		if len(missing) > 0 {
			out = append(out, tok+" is always empty on "+strings.Join(missing, ", "))
		}
	}
	return out
}

// Placeholder describes one placeholder for menus and docs.
type Placeholder struct {
	Token       string // "{caller}", "{remote|e164}", "{secret.NAME}", ...
	Description string
}

// Available lists the placeholders every one of triggers can fill, for the
// editor's "insert placeholder" menu. No triggers: all of them.
func Available(triggers []call.Trigger) []Placeholder {
	names := make([]string, 0, len(placeholders))
	for n := range placeholders {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return placeholders[names[i]].order < placeholders[names[j]].order })
	var out []Placeholder
	for _, n := range names {
		in := placeholders[n]
		ok := true
		for _, t := range triggers {
			ok = ok && fillable(n, t)
		}
		if !ok {
			continue
		}
		tok := "{" + n + "}"
		if in.arg {
			tok = "{" + n + ".NAME}"
		}
		out = append(out, Placeholder{Token: tok, Description: in.desc})
		switch n {
		case "remote":
			out = append(out,
				Placeholder{Token: "{remote|e164}", Description: "the other party's number in E.164 form (+4930...)"},
				Placeholder{Token: "{remote|digits}", Description: "the other party's number, digits only"})
		case "start":
			out = append(out,
				Placeholder{Token: "{start|datetime}", Description: "call start as YYYY-MM-DD HH:MM:SS, UTC (also for {answer} and {end})"},
				Placeholder{Token: "{start|offset}", Description: "call start as YYYY-MM-DDTHH:MM:SS+00:00 (also for {answer} and {end})"})
		case "duration":
			out = append(out,
				Placeholder{Token: "{duration|mmss}", Description: "talk time as minutes:seconds, e.g. 02:35"})
		}
	}
	return out
}
