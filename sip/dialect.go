package sip

import (
	"slices"
	"strings"
)

// Dialect names the shape of a dialog-info document as a PBX writes it.
// PBXs differ in what they say about a call, and so in which placeholders
// dialog mode can fill; the dialect is told per dialog element, never
// from a configured PBX brand, so that a PBX that mixes shapes works.
type Dialect string

// Dialects; the values are the wire names in the status and the log.
const (
	// DialectRFC4235 is a complete RFC 4235 dialog: a call-id, usually a
	// direction and both identities (Kamailio presence_dialoginfo,
	// OpenSIPS, FreeSWITCH's answer to a new subscription).
	DialectRFC4235 Dialect = "rfc4235"
	// DialectFreeSWITCH is mod_sofia's per-channel dialog
	// (sofia_presence_sub_callback): the channel UUID as the dialog id,
	// a direction, the other party while the call is up, no call-id. An
	// outgoing call is confirmed while it still rings.
	DialectFreeSWITCH Dialect = "freeswitch"
	// DialectExtState is Asterisk's extension state (PJSIP
	// res_pjsip_dialog_info_body_generator, chan_sip): one dialog whose
	// id is the extension, early while it rings, confirmed while in use,
	// terminated when idle. Nothing names the other party.
	DialectExtState Dialect = "asterisk"
	// DialectExtStateCID is DialectExtState whose ringing documents name
	// the caller: chan_sip with notifycid, PJSIP when it finds the
	// ringing channel.
	DialectExtStateCID Dialect = "asterisk-cid"
	// DialectUnknown is a dialog none of the rules above matches. It is
	// ignored.
	DialectUnknown Dialect = "unknown"
)

// pickupPrefix starts the call-id chan_sip makes up for directed pickup
// from the subscription's own Call-ID: it names no call.
const pickupPrefix = "pickup-"

// dialectOf tells the dialect of one dialog element of a document about
// the extension ext (the user part of the URI subscribed to).
//
// The rules, in order:
//   - the dialog id is the extension and the call-id is absent or made up
//     for pickup: Asterisk extension state, with caller ID when the
//     dialog names a remote party;
//   - a call-id: RFC 4235;
//   - an id and a direction but no call-id: FreeSWITCH;
//   - anything else, or a state RFC 4235 does not define: unknown.
func dialectOf(ext string, e DialogElem) Dialect {
	switch e.State {
	case DialogTrying, DialogProceeding, DialogEarly, DialogConfirmed, DialogTerminated:
	default:
		return DialectUnknown
	}
	switch {
	case ext != "" && strings.EqualFold(e.ID, ext) && (e.CallID == "" || strings.HasPrefix(e.CallID, pickupPrefix)):
		if e.Remote.Number != "" || e.Remote.Name != "" || strings.HasPrefix(e.CallID, pickupPrefix) {
			return DialectExtStateCID
		}
		return DialectExtState
	case e.CallID != "":
		return DialectRFC4235
	case e.ID != "" && e.Direction != "":
		return DialectFreeSWITCH
	}
	return DialectUnknown
}

// documentDialects returns the dialects of doc's dialogs, sorted, each
// once.
func documentDialects(entity string, doc DialogInfo) []Dialect {
	ext := uriUser(entity)
	var out []Dialect
	for _, e := range doc.Dialogs {
		out = append(out, dialectOf(ext, e))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// DialectNote says in a line what a dialect lets Callhook know, for the
// log of `callhook run`; the GUI has its own translated text.
func DialectNote(d Dialect) string {
	switch d {
	case DialectRFC4235:
		return "full RFC 4235 dialog-info: every placeholder is filled"
	case DialectFreeSWITCH:
		return "FreeSWITCH dialog-info: caller and callee known; outgoing calls have no answer time and no outcome"
	case DialectExtState:
		return "Asterisk extension state: no caller number — {remote} stays empty; outgoing calls have no answer time and no outcome"
	case DialectExtStateCID:
		return "Asterisk extension state with caller ID: {remote} only for incoming calls; outgoing calls have no callee, no answer time and no outcome"
	case DialectUnknown:
		return "dialog-info of an unknown shape: ignored, the debug log shows it"
	}
	return ""
}

// DialectNotes is DialectNote for each dialect of a Status.Dialect value,
// joined by "; ".
func DialectNotes(dialects string) string {
	var notes []string
	for _, d := range ParseDialects(dialects) {
		notes = append(notes, DialectNote(d))
	}
	return strings.Join(notes, "; ")
}

// dialectSet is the dialects a source has seen, as the status shows
// them: sorted, comma-separated. Extension state with caller ID includes
// the plain one (the PBX names callers, but only while they ring).
func dialectSet(seen map[Dialect]bool) string {
	var out []string
	for d := range seen {
		if d == DialectExtState && seen[DialectExtStateCID] {
			continue
		}
		out = append(out, string(d))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// ParseDialects splits a Status.Dialect value into its dialects.
func ParseDialects(s string) []Dialect {
	var out []Dialect
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, Dialect(p))
		}
	}
	return out
}

// noteDialects records the dialects of a document for the status, and
// logs the first document of an unknown shape, whole, at debug level.
func (d *Dialog) noteDialects(sub *subscription, info DialogInfo, body []byte) {
	changed, logUnknown := false, false
	d.mu.Lock()
	for _, dl := range documentDialects(sub.entity, info) {
		if !d.dialects[dl] {
			d.dialects[dl], changed = true, true
		}
		if dl == DialectUnknown && !d.unknownLogged {
			d.unknownLogged, logUnknown = true, true
		}
	}
	d.mu.Unlock()
	if logUnknown {
		d.log.Debug("dialog-info of an unknown shape ignored", "ext", sub.ext, "document", string(body))
	}
	if changed {
		d.publish()
	}
}
