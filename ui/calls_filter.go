package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

// historyFilter narrows the history to one kind of call. The select
// shows the filters in this order.
type historyFilter int

const (
	filterAll historyFilter = iota
	filterAnswered
	filterMissed
	filterFailedDeliveries
)

// filterLabels are the select's options, in historyFilter order.
func filterLabels(l tr) []string {
	return []string{l.T("All"), l.T("Answered"), l.T("Missed"), l.T("Failed deliveries")}
}

// longest returns the longest of ss in runes.
func longest(ss []string) string {
	var l string
	for _, s := range ss {
		if utf8.RuneCountInString(s) > utf8.RuneCountInString(l) {
			l = s
		}
	}
	return l
}

func (f historyFilter) keep(r CallRow) bool {
	switch f {
	case filterAnswered:
		return r.Call.Outcome == call.Answered
	case filterMissed:
		return missed(r.Call)
	case filterFailedDeliveries:
		for _, d := range r.Deliveries {
			if deliveryFailed(d) {
				return true
			}
		}
		return false
	}
	return true
}

// missed is the engine's own notion (the tracker fires the missed trigger
// for it): an incoming call that ended unanswered, here or elsewhere.
func missed(c call.Call) bool {
	return c.Direction == call.In && c.Outcome != "" &&
		c.Outcome != call.Answered && c.Outcome != call.AnsweredElsewhere
}

// deliveryFailed says the delivery needs the user: it failed for good. A
// dropped delivery is not counted: the engine drops a browser delivery on
// purpose when the call already opened that page, and there is nothing to
// re-send.
func deliveryFailed(d DeliveryRow) bool { return d.State == hooks.StateFailed }

// query is what the user typed into the history's search field.
type query struct {
	text string // lower case; empty matches every call
	// digits and e164 are set when the text reads as a phone number: it
	// then also matches a number written with other spacing, "+", "-" or
	// with the national prefix instead of the country code.
	digits, e164 string
}

func newQuery(s, countryCode string) query {
	s = strings.TrimSpace(s)
	q := query{text: strings.ToLower(s)}
	if phoneLike(s) {
		q.digits = templates.Digits(s)
		q.e164 = strings.TrimPrefix(templates.E164(s, countryCode), "+")
	}
	return q
}

// phoneLike reports text made only of digits and the separators people
// type in phone numbers, with at least one digit.
func phoneLike(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" +-./()", r):
		default:
			return false
		}
	}
	return digit
}

// match reports whether q finds the call's caller or callee by name or
// number, cc being the country code that turns "030…" into "4930…".
func (q query) match(c call.Call, cc string) bool {
	if q.text == "" {
		return true
	}
	for _, p := range []call.Party{c.Caller, c.Callee} {
		if q.matchText(p.Name) || q.matchText(p.Number) || q.matchNumber(p.Number, cc) {
			return true
		}
	}
	return false
}

// matchText compares case-insensitively with the text as received and as
// shown: a name with control or bidi characters is found by what the user
// sees.
func (q query) matchText(s string) bool {
	if s == "" {
		return false
	}
	return strings.Contains(strings.ToLower(s), q.text) ||
		strings.Contains(strings.ToLower(sanitize(s, len(s)+1)), q.text)
}

func (q query) matchNumber(n, cc string) bool {
	if q.digits == "" || n == "" {
		return false
	}
	if strings.Contains(templates.Digits(n), q.digits) {
		return true
	}
	e := strings.TrimPrefix(templates.E164(n, cc), "+")
	return q.e164 != "" && e != "" && strings.Contains(e, q.e164)
}

// filterHistory returns the rows the query and filter keep, in order.
func filterHistory(rows []CallRow, q query, f historyFilter, cc string) []CallRow {
	var out []CallRow
	for _, r := range rows {
		if f.keep(r) && q.match(r.Call, cc) {
			out = append(out, r)
		}
	}
	return out
}
