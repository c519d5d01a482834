package sip

import (
	"strings"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

// inviteObservation builds the tracker's view of an initial INVITE. For an
// outgoing call the agent is the caller; for an incoming one the targets
// (Request-URI, To, Diversion, History-Info) feed the queue rules.
func inviteObservation(req *sipmsg.Request, dir call.Direction, at time.Time) Observation {
	from, to := req.From(), req.To()
	o := Observation{
		ID:        req.CallID().Value(),
		Direction: dir,
		Caller:    call.Party{Number: from.Address.User, Name: from.DisplayName},
		Callee:    call.Party{Number: to.Address.User, Name: to.DisplayName},
		Headers:   headerMap(req),
		At:        at,
	}
	if dir == call.Out {
		// What the agent dialled is the Request-URI; To may be dressed up.
		if u := req.Recipient.User; u != "" {
			o.Callee.Number = u
		}
		return o
	}
	if o.Callee.Number == "" {
		o.Callee.Number = req.Recipient.User
	}
	add := func(n string) {
		if n == "" {
			return
		}
		for _, t := range o.Targets {
			if t == n {
				return
			}
		}
		o.Targets = append(o.Targets, n)
	}
	add(req.Recipient.User)
	add(to.Address.User)
	for _, name := range []string{"Diversion", "History-Info"} {
		for _, h := range req.GetHeaders(name) {
			for _, u := range addressUsers(h.Value()) {
				add(u)
			}
		}
	}
	return o
}

// headerMap returns the headers keyed by lower-case name, repeated ones
// joined by ", " as call.Call.Headers documents.
func headerMap(req *sipmsg.Request) map[string]string {
	m := map[string]string{}
	for _, h := range req.Headers() {
		k := strings.ToLower(h.Name())
		if v, ok := m[k]; ok {
			m[k] = v + ", " + h.Value()
			continue
		}
		m[k] = h.Value()
	}
	return m
}

// addressUsers returns the user parts of the name-addr list in a header
// value such as Diversion or History-Info. Entries that do not parse are
// skipped: the header is informational and hostile input.
func addressUsers(v string) []string {
	var out []string
	for _, part := range splitList(v) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var u sipmsg.Uri
		params := sipmsg.HeaderParams{}
		if _, err := sipmsg.ParseAddressValue(part, &u, &params); err != nil {
			continue
		}
		user := u.User
		if u.Scheme == "tel" {
			user = strings.SplitN(u.Raw(), ";", 2)[0]
		}
		if user != "" {
			out = append(out, user)
		}
	}
	return out
}

// splitList splits a header value at the commas that separate its
// entries, not at commas inside quotes or angle brackets.
func splitList(v string) []string {
	var out []string
	start, depth, quoted := 0, 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>':
			if depth > 0 {
				depth--
			}
		case c == ',' && depth == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}
