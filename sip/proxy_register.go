package sip

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// The PBX must send a softphone's incoming calls through Callhook, so a
// REGISTER leaves with each Contact replaced by one pointing at the proxy
// and carrying a token; the token maps back to the softphone's real
// contact and to the flow (transport and source address) it registered
// from. This works with any registrar, unlike Path (RFC 3327).
//
// A binding counts once the registrar's 2xx lists it, and lapses with the
// expiry the registrar granted.

// phoneExpiresCap is the longest registration a softphone is granted,
// whatever the PBX granted: the softphone then sends its REGISTER at
// least this often, which restores its binding within that time when
// the PBX lost it (a restart) and asks for fresh credentials that only
// the softphone has. The PBX keeps the lifetime it granted.
const phoneExpiresCap = 120

// pendingTTL is how long an unconfirmed binding is kept: the REGISTER may
// be challenged and re-sent, or the softphone may give up.
const pendingTTL = 2 * time.Minute

type binding struct {
	token   string
	aor     string
	callID  string
	contact sipmsg.Uri
	flow    flow
	created time.Time
	expires time.Time // zero until the registrar confirms
}

type registry struct {
	mu      sync.Mutex
	now     func() time.Time
	byToken map[string]*binding
	regs    map[string]*storedReg // by Call-ID
	regSeen map[string]time.Time
	// sent maps, per Call-ID, the CSeq a softphone's REGISTER went up
	// with to the CSeq the softphone gave it, for the answers coming
	// back: a re-REGISTER of ours in between moves the bump on, and
	// taking the new bump off would hand the softphone a CSeq it never
	// sent.
	sent map[string][]cseqPair
}

// cseqPair is one REGISTER's CSeq upstream and at the softphone.
type cseqPair struct{ up, phone uint32 }

// maxSentPairs bounds sent per registration: REGISTERs in flight at once.
const maxSentPairs = 8

func newRegistry() *registry {
	return &registry{now: time.Now, byToken: map[string]*binding{}, regs: map[string]*storedReg{}, regSeen: map[string]time.Time{},
		sent: map[string][]cseqPair{}}
}

// rewriteRegister replaces the Contacts of a REGISTER from src with
// contacts at the proxy, remembering each binding as pending.
func (r *registry) rewriteRegister(req *sipmsg.Request, src flow, contactFor func(user, token string) sipmsg.Uri) {
	aor := aorOf(&req.To().Address)
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.regSeen[req.CallID().Value()] = now
	for _, h := range req.GetHeaders("Contact") {
		c, ok := h.(*sipmsg.ContactHeader)
		if !ok || c.Address.Wildcard {
			continue
		}
		tok := bindingToken(aor, &c.Address)
		b, ok := r.byToken[tok]
		if !ok {
			b = &binding{token: tok, aor: aor, created: now}
			r.byToken[tok] = b
		}
		b.contact = *c.Address.Clone()
		b.flow = src
		b.callID = req.CallID().Value()
		user := c.Address.User
		if user == "" {
			user = req.To().Address.User
		}
		c.Address = contactFor(user, tok)
	}
}

// confirm applies a registrar's 2xx: bindings of the AOR it lists are
// active until their expiry, the others of that AOR are gone. It puts
// the softphone's own contacts back, so the softphone finds itself.
func (r *registry) confirm(res *sipmsg.Response) {
	to := res.To()
	if to == nil {
		return
	}
	aor := aorOf(&to.Address)
	now := r.now()
	defExp := -1
	if h := res.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil {
			defExp = n
			if n > phoneExpiresCap {
				res.ReplaceHeader(sipmsg.NewHeader("Expires", strconv.Itoa(phoneExpiresCap)))
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	listed := map[string]bool{}
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*sipmsg.ContactHeader)
		if !ok {
			continue
		}
		tok, ok := c.Address.UriParams.Get(tokenParam)
		if !ok {
			continue
		}
		b := r.byToken[tok]
		if b == nil {
			continue
		}
		exp := defExp
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				exp = n
			}
		}
		if exp < 0 {
			exp = 3600
		}
		c.Address = *b.contact.Clone()
		if exp > phoneExpiresCap {
			c.Params.Remove("expires")
			c.Params.Add("expires", strconv.Itoa(phoneExpiresCap))
		}
		if exp == 0 {
			delete(r.byToken, tok)
			continue
		}
		listed[tok] = true
		b.expires = now.Add(time.Duration(exp) * time.Second)
	}
	for tok, b := range r.byToken {
		if b.aor == aor && !listed[tok] && !b.expires.IsZero() {
			delete(r.byToken, tok)
		}
	}
}

// lookup returns the active or pending binding of a token. A pending one
// serves too: the registrar may route a call before its 2xx reaches us.
func (r *registry) lookup(tok string) *binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.byToken[tok]
	if b == nil {
		return nil
	}
	cp := *b
	return &cp
}

// byContact returns the binding whose real contact is u.
func (r *registry) byContact(u *sipmsg.Uri) *binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.byToken {
		if strings.EqualFold(b.contact.Host, u.Host) && b.contact.Port == u.Port && b.contact.User == u.User {
			cp := *b
			return &cp
		}
	}
	return nil
}

// hasFlow reports whether a softphone registered from addr.
func (r *registry) hasFlow(addr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.byToken {
		if b.flow.Addr == addr {
			return true
		}
	}
	return false
}

// count returns the active bindings.
func (r *registry) count(now time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.byToken {
		if !b.expires.IsZero() && now.Before(b.expires) {
			n++
		}
	}
	return n
}

// expire drops lapsed and stale pending bindings; it reports whether the
// active count may have changed.
func (r *registry) expire(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for tok, b := range r.byToken {
		switch {
		case !b.expires.IsZero() && !now.Before(b.expires):
			delete(r.byToken, tok)
			changed = true
		case b.expires.IsZero() && now.Sub(b.created) > pendingTTL:
			delete(r.byToken, tok)
		}
	}
	return changed
}

// bindingToken names a binding by what identifies it to a registrar: the
// AOR and the contact's user, host and port.
func bindingToken(aor string, contact *sipmsg.Uri) string {
	sum := sha256.Sum256([]byte(aor + "\x00" + contact.User + "@" + strings.ToLower(contact.Host) + ":" + strconv.Itoa(contact.Port)))
	return hex.EncodeToString(sum[:8])
}

func aorOf(u *sipmsg.Uri) string {
	return u.User + "@" + strings.ToLower(u.Host)
}

// storedReg is the last REGISTER of one registration (Call-ID) as it went
// to the PBX, kept to re-register when our advertised address changes.
// Bump is how far our own re-REGISTERs moved its CSeq: the softphone's
// later REGISTERs go up with it added, their answers come back with it
// taken off, so the PBX sees CSeq rise and the softphone its own.
type storedReg struct {
	Raw  string `json:"raw"`
	CSeq uint32 `json:"cseq"`
	Bump uint32 `json:"bump,omitempty"`
	// Addr is the contact address the PBX has for it.
	Addr string `json:"addr"`
}

// bumpCSeq adds the registration's CSeq bump to a softphone's REGISTER.
func (r *registry) bumpCSeq(req *sipmsg.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := req.CallID().Value()
	if s := r.regs[id]; s != nil && s.Bump > 0 {
		phone := req.CSeq().SeqNo
		req.CSeq().SeqNo += s.Bump
		pairs := append(r.sent[id], cseqPair{up: req.CSeq().SeqNo, phone: phone})
		if len(pairs) > maxSentPairs {
			pairs = pairs[len(pairs)-maxSentPairs:]
		}
		r.sent[id] = pairs
	}
}

// unbumpCSeq takes the bump off a response on its way to the softphone.
func (r *registry) unbumpCSeq(res *sipmsg.Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, cs := res.CallID(), res.CSeq()
	if id == nil || cs == nil {
		return
	}
	for _, p := range r.sent[id.Value()] {
		if p.up == cs.SeqNo {
			cs.SeqNo = p.phone
			return
		}
	}
	if s := r.regs[id.Value()]; s != nil && cs.SeqNo >= s.Bump {
		cs.SeqNo -= s.Bump
	}
}

// remember keeps req, a REGISTER on its way to the PBX, for re-sending.
func (r *registry) remember(req *sipmsg.Request) {
	addr := ""
	if c := req.Contact(); c != nil {
		addr = net.JoinHostPort(c.Address.Host, strconv.Itoa(c.Address.Port))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.regs[req.CallID().Value()] = &storedReg{Raw: req.String(), CSeq: req.CSeq().SeqNo, Bump: r.bumpOf(req.CallID().Value()), Addr: addr}
}

func (r *registry) bumpOf(callID string) uint32 {
	if s := r.regs[callID]; s != nil {
		return s.Bump
	}
	return 0
}

// stale returns the registrations with an active binding whose contact
// address is not addr (all of them with force), as REGISTERs to re-send,
// with CSeq and bump moved on. It leaves Via and Contact to the caller.
func (r *registry) stale(addr string, force bool, now time.Time) []*sipmsg.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	active := map[string]bool{}
	for _, b := range r.byToken {
		if !b.expires.IsZero() && now.Before(b.expires) {
			active[b.callID] = true
		}
	}
	var out []*sipmsg.Request
	for id, s := range r.regs {
		if !active[id] {
			if now.Sub(r.regSeen[id]) > pendingTTL {
				delete(r.regs, id)
				delete(r.sent, id)
			}
			continue
		}
		if s.Addr == addr && !force {
			continue
		}
		m, err := sipmsg.ParseMessage([]byte(s.Raw))
		req, ok := m.(*sipmsg.Request)
		if err != nil || !ok || req.CSeq() == nil {
			delete(r.regs, id)
			continue
		}
		for req.RemoveHeader("Via") {
		}
		s.CSeq++
		s.Bump++
		s.Addr = addr
		req.CSeq().SeqNo = s.CSeq
		out = append(out, req)
	}
	return out
}
