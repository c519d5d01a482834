package sip

import (
	"context"
	"log/slog"
	"mime"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"
)

// The NOTIFY side of a subscription: which NOTIFYs are ours, which
// bodies are dialog state, and what a document did.

// onNotify applies the document of every NOTIFY and answers it. A NOTIFY for a
// subscription we do not hold (one from before a restart of ours) gets
// 481, which tells the PBX to drop that subscription (RFC 6665 section
// 4.1.3) instead of notifying it until it expires.
func (d *Dialog) onNotify(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	var sub *subscription
	if id := req.CallID(); id != nil {
		sub = d.lookup(id.Value())
	}
	if ev := req.GetHeader("Event"); sub == nil || ev == nil || !isDialogEvent(ev.Value()) {
		d.respond(tx, req, 481, "Subscription Does Not Exist")
		return
	}

	sub.mu.Lock()
	if tag, ok := req.From().Params.Get("tag"); ok && sub.remoteTag == "" {
		// RFC 6665 lets the first NOTIFY overtake the 200 to the SUBSCRIBE.
		sub.remoteTag = tag
	}
	sub.mu.Unlock()
	sub.updateTarget(req.Contact(), req.GetHeaders("Record-Route"), false)

	state, reason := subscriptionState(req)
	if body := req.Body(); len(body) > 0 {
		if ct := req.ContentType(); ct != nil && !isDialogInfoType(ct.Value()) {
			// We asked for dialog-info only (Accept), so the body is
			// not a dialog state to apply. The NOTIFY still gets its 200:
			// it is one of our subscription's, and any other answer ends
			// the subscription at the notifier (RFC 6665 section 4.2.2),
			// which is fine and would only be renewed to receive the same.
			// A body without a Content-Type goes to the parser, which
			// refuses anything but dialog-info.
			if sub.firstTime("content-type") {
				d.log.Warn("NOTIFY body is not dialog-info: ignored", "ext", sub.ext, "content_type", ct.Value(), "want", DialogInfoType)
			}
		} else {
			d.apply(sub, body)
		}
	}
	// The 200 goes after the document is applied: NOTIFYs are handled
	// concurrently, and a notifier that waits for each answer before the
	// next (Asterisk and FreeSWITCH send ringing and answered within
	// milliseconds) then has them applied in its order: out of it, a
	// partial document would be dropped and a full one would undo a
	// later change.
	d.respond(tx, req, 200, "OK")
	if state == "terminated" {
		select {
		case sub.ended <- reason:
		default:
		}
	}
}

// apply feeds one NOTIFY body to the mapper.
func (d *Dialog) apply(sub *subscription, body []byte) {
	info, err := ParseDialogInfo(body)
	if err != nil {
		// A PBX that sends one broken document sends them all.
		level := slog.LevelDebug
		if sub.firstTime("parse") {
			level = slog.LevelWarn
		}
		d.log.Log(context.Background(), level, "bad dialog-info in NOTIFY", "ext", sub.ext, "err", err)
		return
	}
	d.noteDialects(sub, info, body)
	rep := d.mapper.apply(sub.entity, info)
	log := d.log.With("ext", sub.ext, "version", info.Version)
	switch rep.result {
	case applied:
		log.Debug("dialog-info applied", "state", info.State, "dialogs", len(info.Dialogs))
	case stale:
		log.Debug("repeated dialog-info dropped")
	case gap:
		// A partial document after a lost one, or after the notifier
		// restarted: refresh for full state.
		log.Debug("partial dialog-info out of sequence: refreshing for full state")
		select {
		case sub.refresh <- struct{}{}:
		default:
		}
	}
	if rep.restart {
		level := slog.LevelDebug
		if sub.firstTime("restart") {
			level = slog.LevelInfo
		}
		log.Log(context.Background(), level, "dialog-info version went back: taken as a PBX restart", "after", rep.after)
	}
	// A PBX that goes over a limit tends to do so with every NOTIFY:
	// warn once per subscription.
	if rep.skipped > 0 && sub.firstTime("doc-cap") {
		log.Warn("dialog-info lists too many dialogs: only the first ones are applied", "dialogs", len(info.Dialogs), "cap", maxDocDialogs)
	}
	if rep.refused > 0 && sub.firstTime("ext-cap") {
		log.Warn("too many calls in progress for the extension: new ones are ignored until some end", "cap", maxExtCalls, "ignored", rep.refused)
	}
}

func (d *Dialog) respond(tx sipmsg.ServerTransaction, req *sipmsg.Request, code int, reason string) {
	if err := tx.Respond(sipmsg.NewResponseFromRequest(req, code, reason, nil)); err != nil {
		d.log.Debug("answer NOTIFY", "code", code, "err", err)
	}
}

// isDialogInfoType reports whether a Content-Type value is
// DialogInfoType, whatever its case and parameters.
func isDialogInfoType(v string) bool {
	mt, _, err := mime.ParseMediaType(v)
	return err == nil && mt == DialogInfoType
}

// firstTime reports whether what is asked for the first time in this
// subscription: a warning about the PBX is logged once per subscription,
// not with every NOTIFY.
func (s *subscription) firstTime(what string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.warned[what] {
		return false
	}
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	s.warned[what] = true
	return true
}

// isDialogEvent matches the Event header "dialog", parameters ignored.
func isDialogEvent(v string) bool {
	pkg, _, _ := strings.Cut(v, ";")
	return strings.EqualFold(strings.TrimSpace(pkg), "dialog")
}

// subscriptionState returns the Subscription-State value ("active",
// "pending", "terminated") and its reason parameter.
func subscriptionState(req *sipmsg.Request) (state, reason string) {
	h := req.GetHeader("Subscription-State")
	if h == nil {
		return "", ""
	}
	parts := strings.Split(h.Value(), ";")
	state = strings.ToLower(strings.TrimSpace(parts[0]))
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "reason") {
			reason = strings.TrimSpace(v)
		}
	}
	if reason == "" {
		reason = "no reason given"
	}
	return state, reason
}
