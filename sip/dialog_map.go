package sip

import (
	"slices"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
)

// endedMemory is how long the mapper remembers a call it ended. Full
// documents keep listing terminated dialogs for as long as the PBX keeps
// their publication; remembering them stops a lingering dialog from
// starting its call again.
const endedMemory = 15 * time.Minute

// Limits on what a PBX can make the mapper do. A document lists the
// dialogs of one extension, and an agent has a handful at a time: one
// talking, one on hold, one ringing (call waiting), a transfer or
// conference leg, and, in full documents, the ended ones the PBX lists
// for a while. A broken or hostile notifier once sent 60 partial
// documents of 180 new dialogs each, which made 10,800 calls and as many
// webhook deliveries.
const (
	// maxDocDialogs bounds the dialog elements applied from one
	// document; the rest are ignored, except that a full document's
	// listing still keeps their calls from being ended.
	maxDocDialogs = 64
	// maxExtCalls bounds the calls in progress per watched extension;
	// a dialog that would start one more starts none.
	maxExtCalls = 32
	// maxEnded bounds the ended dialogs remembered for endedMemory,
	// across all entities; past it the oldest are forgotten first. A
	// notifier that lists new terminated dialogs without end, or rings
	// and hangs up calls without end, would otherwise grow it by 64 per
	// document for 15 minutes. Forgetting is harmless but for a dialog
	// the PBX still lists as in progress after it ended.
	maxEnded = 4096
)

// dialogMapper turns the dialog-info documents of the watched entities
// into tracker calls: trying, proceeding and early ring, confirmed
// answers, terminated ends. Each dialog element is read in its dialect
// (dialect.go): RFC 4235 and FreeSWITCH dialogs are calls, Asterisk's
// extension state is a line whose changes make calls up
// (dialect_extstate.go), unknown shapes are skipped. It is safe for
// concurrent use; documents of one entity must be applied in the order
// they arrived, and it drops the ones that are older than what it has
// applied.
type dialogMapper struct {
	tr  *Tracker
	now func() time.Time

	mu       sync.Mutex
	versions map[string]uint64 // entity -> version of the last applied document
	calls    map[string]*mappedCall
	active   map[string]int // entity -> calls in progress, at most maxExtCalls
	ended    map[string]time.Time
	lines    map[string]*extLine // entity -> extension state
	seq      uint64              // makes extension-state call ids unique
}

// mappedCall is one call as seen in dialog-info: forked early dialogs with
// the same call-id are one call, which ends when all of them are over.
type mappedCall struct {
	entity    string
	dialect   Dialect
	dir       call.Direction
	dialogs   map[string]string // dialog key -> state
	early     bool
	confirmed bool
}

func newDialogMapper(tr *Tracker, now func() time.Time) *dialogMapper {
	if now == nil {
		now = time.Now
	}
	return &dialogMapper{
		tr: tr, now: now,
		versions: map[string]uint64{},
		calls:    map[string]*mappedCall{},
		active:   map[string]int{},
		ended:    map[string]time.Time{},
		lines:    map[string]*extLine{},
	}
}

// reset forgets the entity's document version: a new subscription starts
// counting again (RFC 4235 section 4.1).
func (m *dialogMapper) reset(entity string) {
	m.mu.Lock()
	delete(m.versions, entity)
	m.mu.Unlock()
}

// applyResult says what apply did with a document.
type applyResult int

const (
	applied applyResult = iota
	// stale: a partial document with the version of the last one
	// applied, a retransmission; it is dropped.
	stale
	// gap: a partial document that does not follow the last one applied
	// (one got lost, or the notifier restarted and counts again); it is
	// dropped and the subscriber should refresh for full state (RFC 4235
	// section 4.1.2).
	gap
)

// applyReport says what apply did with a document.
type applyReport struct {
	result applyResult
	// restart: a full document whose version is below the last one's,
	// from after was; applied as the notifier having restarted.
	restart bool
	after   uint64
	// skipped counts the dialog elements past maxDocDialogs; refused
	// the calls not started since the extension had maxExtCalls.
	skipped, refused int
}

// apply applies one document for entity (the URI subscribed to).
//
// RFC 4235 section 4.1 has the version go up by one with each NOTIFY of
// a subscription, from any number at its start (reset). A partial
// document must follow the last one applied; a full one replaces what
// went before, and is applied whatever its version: a notifier that
// restarted and kept the subscription (Asterisk restores them) counts
// again from 0, one whose counter reached the 64-bit maximum wraps, and
// dropping their documents as old would stop the subscription until it
// is replaced. A document is never older than the last one applied for
// a notifier that follows RFC 6665: it sends the next NOTIFY after the
// answer to the previous one, which comes after the document is applied
// (Dialog.onNotify).
func (m *dialogMapper) apply(entity string, doc DialogInfo) applyReport {
	var rep applyReport
	if doc.Empty() {
		return rep
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.versions[entity]
	switch {
	case doc.State == DocFull:
		rep.restart, rep.after = ok && doc.Version < last, last
	case ok && doc.Version == last:
		rep.result = stale
		return rep
	case !ok || doc.Version != last+1:
		// last+1 wraps at the maximum, as the notifier's counter does.
		rep.result = gap
		return rep
	}
	m.versions[entity] = doc.Version
	at := m.now()
	m.sweepLocked(at)

	ext := uriUser(entity)
	listed := map[string]bool{}
	complete := len(doc.Dialogs) == 0
	for i, e := range doc.Dialogs {
		d := dialectOf(ext, e)
		over := i >= maxDocDialogs
		if over {
			rep.skipped++
		}
		switch d {
		case DialectExtState, DialectExtStateCID:
			if !over {
				m.extLocked(entity, e, at)
			}
			continue
		case DialectUnknown:
			continue
		case DialectRFC4235:
			complete = true
		}
		key := e.CallKey()
		listed[key] = true
		if !over && !m.dialogLocked(entity, d, key, e, at) {
			rep.refused++
		}
	}
	if doc.State == DocFull && complete {
		// A full RFC 4235 document lists every dialog of the entity: a
		// call it no longer mentions is over, without any detail on how.
		// FreeSWITCH calls its one-channel documents full too, so only
		// an empty one says its calls are over; Asterisk always lists
		// its one line.
		for key, c := range m.calls {
			if c.entity == entity && !listed[key] && (c.dialect == DialectRFC4235 || len(doc.Dialogs) == 0) {
				m.endLocked(key, c, DialogElem{State: DialogTerminated}, at)
			}
		}
		if l := m.lines[entity]; l != nil && len(doc.Dialogs) == 0 {
			m.extEndLocked(l, at)
		}
	}
	return rep
}

// dialogLocked applies one dialog of entity to its call. It reports
// false when the dialog would have started a call and the entity already
// has maxExtCalls.
func (m *dialogMapper) dialogLocked(entity string, d Dialect, key string, e DialogElem, at time.Time) bool {
	if _, ok := m.ended[key]; ok {
		return true
	}
	c := m.calls[key]
	switch e.State {
	case DialogTrying, DialogProceeding, DialogEarly, DialogConfirmed:
		if c == nil {
			if m.active[entity] >= maxExtCalls {
				return false
			}
			m.active[entity]++
			c = &mappedCall{entity: entity, dialect: d, dir: direction(e), dialogs: map[string]string{}}
			m.calls[key] = c
			m.tr.Ring(observe(key, entity, e, at))
		}
		c.dialogs[e.Key()] = e.State
		if e.State == DialogEarly {
			c.early = true
		}
		if e.State == DialogConfirmed && !c.confirmed && !c.answerUnknown() {
			c.confirmed = true
			m.tr.Answer(key, at)
		}
	case DialogTerminated:
		if c == nil {
			// Ended before we saw it, or before we subscribed: nothing
			// rang, so nothing may hang up.
			m.endedLocked(key, at)
			return true
		}
		c.dialogs[e.Key()] = DialogTerminated
		for _, st := range c.dialogs {
			if st != DialogTerminated {
				return true
			}
		}
		m.endLocked(key, c, e, at)
	}
	return true
}

func (m *dialogMapper) endLocked(key string, c *mappedCall, last DialogElem, at time.Time) {
	delete(m.calls, key)
	if m.active[c.entity]--; m.active[c.entity] <= 0 {
		delete(m.active, c.entity)
	}
	m.endedLocked(key, at)
	if c.answerUnknown() {
		m.tr.endUnknown(key, at)
		return
	}
	m.tr.End(key, outcome(c, last), at)
}

// answerUnknown reports a call whose confirmed state does not mean
// answered: FreeSWITCH shows an outgoing call confirmed while it rings.
func (c *mappedCall) answerUnknown() bool {
	return c.dialect == DialectFreeSWITCH && c.dir == call.Out
}

// endedLocked remembers that the dialog key ended at at, forgetting the
// oldest quarter of what it remembers when it holds maxEnded.
func (m *dialogMapper) endedLocked(key string, at time.Time) {
	if _, ok := m.ended[key]; !ok && len(m.ended) >= maxEnded {
		m.sweepLocked(at)
		if len(m.ended) >= maxEnded {
			type ended struct {
				key string
				at  time.Time
			}
			all := make([]ended, 0, len(m.ended))
			for k, t := range m.ended {
				all = append(all, ended{k, t})
			}
			slices.SortFunc(all, func(a, b ended) int { return a.at.Compare(b.at) })
			for _, e := range all[:len(all)/4] {
				delete(m.ended, e.key)
			}
		}
	}
	m.ended[key] = at
}

func (m *dialogMapper) sweepLocked(now time.Time) {
	for key, at := range m.ended {
		if now.Sub(at) > endedMemory {
			delete(m.ended, key)
		}
	}
}

// direction reads the dialog's direction from the watched entity's point
// of view. Without the optional attribute the call is taken as incoming:
// a ringing agent is what hooks most want to hear about.
func direction(e DialogElem) call.Direction {
	if e.Direction == DirInitiator {
		return call.Out
	}
	return call.In
}

func observe(key, entity string, e DialogElem, at time.Time) Observation {
	local := e.Local
	if local.Number == "" {
		local.Number = uriUser(entity)
	}
	o := Observation{ID: key, Direction: direction(e), At: at}
	if o.Direction == call.Out {
		o.Caller, o.Callee = local, e.Remote
		return o
	}
	o.Caller, o.Callee = e.Remote, local
	// The local target names the number the call reached the agent on,
	// which queue rules may know (a hunt group's number).
	for _, t := range []string{e.LocalTarget, uriUser(entity)} {
		if t != "" && t != local.Number {
			o.Targets = append(o.Targets, t)
		}
	}
	return o
}

// outcome says how a call ended from the last dialog's terminated state.
// RFC 4235 section 3.7.1 defines the events; PBXs rarely send them
// (Kamailio never does), so the fallbacks matter most: an incoming call
// never confirmed was missed, an outgoing one that rang was cancelled.
func outcome(c *mappedCall, last DialogElem) call.Outcome {
	switch {
	case c.confirmed:
		return call.Answered
	case last.Code == 486 || last.Code == 600:
		return call.Busy
	case last.Event == "rejected" || last.Code == 603:
		return call.Rejected
	case last.Event == "replaced", last.Code == 200:
		// A pickup replaces the ringing dialog; a CANCEL with cause 200
		// says a parallel fork answered.
		return call.AnsweredElsewhere
	case c.dir == call.In:
		return call.Missed
	case last.Event == "cancelled":
		return call.Cancelled
	case last.Event == "timeout" || last.Event == "error" || last.Code >= 400:
		return call.Failed
	case c.early:
		return call.Cancelled
	}
	return call.Failed
}
