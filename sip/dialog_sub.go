package sip

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"
)

// Subscription errors; the status shows their wrapped text.
var (
	ErrSubscribeRejected = errors.New("subscribe rejected")
	ErrSubscriptionEnded = errors.New("subscription ended")
)

// requestTimeout bounds one SUBSCRIBE transaction, well below the 32 s
// a lost UDP transaction would otherwise take to time out.
const requestTimeout = 8 * time.Second

// subscription is one SUBSCRIBE dialog for one watched extension. A new
// one (new Call-ID) is made for every re-subscribe.
type subscription struct {
	ext     string
	aor     sipmsg.Uri // sip:EXT@domain, the entity
	entity  string
	callID  string
	fromTag string

	// link carries every request and NOTIFY of the subscription; its
	// address is the Contact.
	link *link

	mu        sync.Mutex
	cseq      uint32
	remoteTag string
	// target is the remote target (the Contact of the 2xx or a NOTIFY)
	// and routes the route set, fixed by whichever of the 2xx and the
	// first NOTIFY came first (RFC 6665 section 4.1.2.4).
	target      *sipmsg.Uri
	routes      []sipmsg.Uri
	routesFixed bool

	// ended receives the reason of a NOTIFY with Subscription-State
	// terminated; refresh asks for an early refresh (lost partial state).
	ended   chan string
	refresh chan struct{}

	warned map[string]bool // see firstTime
}

func (d *Dialog) newSubscription(ext string, l *link) *subscription {
	aor := sipmsg.Uri{Scheme: "sip", User: ext, Host: d.cfg.Domain}
	if strings.HasPrefix(strings.ToLower(ext), "sip:") {
		if err := sipmsg.ParseUri(ext, &aor); err != nil {
			aor = sipmsg.Uri{Scheme: "sip", User: ext, Host: d.cfg.Domain}
		}
	}
	return &subscription{
		ext: ext, aor: aor, entity: "sip:" + aor.User + "@" + aor.Host, link: l,
		callID: sipmsg.GenerateTagN(24) + "@callhook", fromTag: sipmsg.GenerateTagN(16),
		cseq:  1,
		ended: make(chan string, 1), refresh: make(chan struct{}, 1),
	}
}

// keep holds a subscription for ext until ctx ends, re-subscribing with
// backoff after every failure.
func (d *Dialog) keep(ctx context.Context, ext string) {
	log := d.log.With("ext", ext)
	for attempt := 0; ; attempt++ {
		l, err := d.linkFor(ctx)
		if err == nil {
			sub := d.newSubscription(ext, l)
			d.register(sub)
			d.mapper.reset(sub.entity)
			var granted time.Duration
			granted, err = d.subscribe(ctx, sub, d.cfg.Expires)
			if err == nil {
				attempt = 0
				d.setExt(ext, extState{subscribed: true})
				log.Info("subscribed", "expires", granted, "contact", l.contact(d.cfg.Username).Address.String())
				err = d.hold(ctx, sub, granted)
			}
			d.unregister(sub)
		}
		if ctx.Err() != nil {
			d.setExt(ext, extState{})
			return
		}
		st := extState{}
		// An ended subscription or a dropped connection is replaced at
		// once; only when that fails too is it the user's business.
		if !(errors.Is(err, ErrSubscriptionEnded) || errors.Is(err, ErrLinkDropped)) || attempt > 0 {
			st.err = err.Error()
		}
		d.setExt(ext, st)
		delay := backoff(attempt, d.minRetry, d.maxRetry)
		log.Warn("subscription lost, re-subscribing", "err", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			d.setExt(ext, extState{})
			return
		case <-t.C:
		}
	}
}

// backoff is the delay before retry attempt n: doubling from lo up to hi,
// with up to 25% jitter so that many clients do not retry in step after
// a PBX restart.
func backoff(n int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// maxRefresh bounds the time between refreshes whatever lifetime the PBX
// grants: a PBX that restarted has forgotten the subscription and says so
// only when asked (481), so this is how long a restart can go unnoticed.
// One SUBSCRIBE a minute per extension is nothing for a PBX.
const maxRefresh = time.Minute

// hold refreshes sub at 80% of each granted lifetime, at least every
// maxRefresh. It returns when a refresh fails, the PBX ends the
// subscription, or ctx ends (after unsubscribing).
func (d *Dialog) hold(ctx context.Context, sub *subscription, granted time.Duration) error {
	for {
		t := time.NewTimer(min(granted*8/10, maxRefresh))
		select {
		case <-ctx.Done():
			t.Stop()
			if !sub.link.alive() {
				return ctx.Err()
			}
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if _, err := d.subscribe(uctx, sub, 0); err != nil {
				d.log.Warn("unsubscribe", "ext", sub.ext, "err", err)
			}
			return ctx.Err()
		case <-sub.link.dead:
			t.Stop()
			return fmt.Errorf("SUBSCRIBE %s: %w (%s %s)", sub.ext, ErrLinkDropped, sub.link.network, d.server)
		case reason := <-sub.ended:
			t.Stop()
			return fmt.Errorf("SUBSCRIBE %s: %w by the PBX (%s)", sub.ext, ErrSubscriptionEnded, reason)
		case <-sub.refresh:
			t.Stop()
		case <-t.C:
		}
		g, err := d.subscribe(ctx, sub, d.cfg.Expires)
		if err != nil {
			// A PBX that restarted answers the refresh with 481; one that
			// is down does not answer at all. Both need a new subscription.
			return err
		}
		granted = g
	}
}

// subscribe sends one SUBSCRIBE (initial, refresh, or with expires 0 the
// unsubscribe) and returns the lifetime the PBX granted.
func (d *Dialog) subscribe(ctx context.Context, sub *subscription, expires time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	for range 2 { // a second round after 423 Interval Too Brief
		if !sub.link.alive() {
			return 0, fmt.Errorf("SUBSCRIBE %s: %w (%s %s)", sub.ext, ErrLinkDropped, sub.link.network, d.server)
		}
		req := d.subscribeRequest(sub, expires)
		client := sub.link.client
		res, err := client.Do(ctx, req)
		if err == nil && (res.StatusCode == 401 || res.StatusCode == 407) && d.cfg.Password != "" {
			d.learn(sub.link, res)
			res, err = client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: d.cfg.Username, Password: d.cfg.Password})
		}
		if cs := req.CSeq(); cs != nil {
			sub.mu.Lock()
			sub.cseq = max(sub.cseq, cs.SeqNo+1)
			sub.mu.Unlock()
		}
		if err != nil {
			return 0, fmt.Errorf("SUBSCRIBE %s: no answer from %s over %s: %w: check source.dialog.server and transport, and that no firewall drops SIP", sub.ext, d.server, sub.link.network, err)
		}
		d.learn(sub.link, res)
		if res.StatusCode == 423 && expires > 0 {
			if h := res.GetHeader("Min-Expires"); h != nil {
				if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n > 0 {
					expires = time.Duration(n) * time.Second
					continue
				}
			}
		}
		if !res.IsSuccess() {
			return 0, fmt.Errorf("SUBSCRIBE %s: %d %s%s: %w", sub.ext, res.StatusCode, res.Reason, d.hint(res.StatusCode), ErrSubscribeRejected)
		}
		sub.mu.Lock()
		if tag, ok := res.To().Params.Get("tag"); ok && sub.remoteTag == "" {
			sub.remoteTag = tag
		}
		sub.mu.Unlock()
		// A SUBSCRIBE is a target refresh request: its 2xx may move
		// the remote target.
		sub.updateTarget(res.Contact(), res.GetHeaders("Record-Route"), true)
		return grantedExpires(res, expires), nil
	}
	return 0, fmt.Errorf("SUBSCRIBE %s: lifetime refused twice: %w", sub.ext, ErrSubscribeRejected)
}

// hint tells the user what to fix for a refusal caused by the config.
func (d *Dialog) hint(code int) string {
	switch {
	case (code == 401 || code == 407) && d.cfg.Password == "":
		return " (the PBX wants a password: set source.dialog.password_secret)"
	case code == 401 || code == 407:
		return " (check source.dialog.username and the password secret)"
	case code == 403:
		return " (the PBX does not let " + d.cfg.Username + " watch this extension)"
	case code == 404:
		return " (no such extension at the PBX: check source.dialog.watch and domain)"
	case code == 489:
		return " (the PBX does not offer the dialog event package)"
	}
	return ""
}

func grantedExpires(res *sipmsg.Response, asked time.Duration) time.Duration {
	if h := res.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return asked
}

// subscribeRequest builds the next SUBSCRIBE of sub. Once in the dialog
// it is addressed as RFC 3261 section 12.2.1.1 says: to the remote target
// through the route set. It is still sent to the configured server, the
// outbound proxy: the remote target may name an address we cannot reach
// (behind NAT, or a host name only the PBX resolves).
func (d *Dialog) subscribeRequest(sub *subscription, expires time.Duration) *sipmsg.Request {
	sub.mu.Lock()
	cseq, remoteTag := sub.cseq, sub.remoteTag
	ruri, routes := sub.aor, []sipmsg.Uri(nil)
	if remoteTag != "" && sub.target != nil {
		ruri, routes = dialogRoute(*sub.target, sub.routes)
	}
	sub.cseq++
	sub.mu.Unlock()

	req := sipmsg.NewRequest(sipmsg.SUBSCRIBE, ruri)
	for _, r := range routes {
		req.AppendHeader(&sipmsg.RouteHeader{Address: r})
	}
	sub.link.prepare(req, d.server)
	from := &sipmsg.FromHeader{Address: sipmsg.Uri{Scheme: "sip", User: d.cfg.Username, Host: d.cfg.Domain}}
	from.Params.Add("tag", sub.fromTag)
	to := &sipmsg.ToHeader{Address: sub.aor}
	if remoteTag != "" {
		to.Params.Add("tag", remoteTag)
	}
	callID := sipmsg.CallIDHeader(sub.callID)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&callID)
	req.AppendHeader(&sipmsg.CSeqHeader{SeqNo: cseq, MethodName: sipmsg.SUBSCRIBE})
	req.AppendHeader(sub.link.contact(d.cfg.Username))
	req.AppendHeader(sipmsg.NewHeader("Event", "dialog"))
	req.AppendHeader(sipmsg.NewHeader("Accept", DialogInfoType))
	exp := sipmsg.ExpiresHeader(uint32(expires / time.Second))
	req.AppendHeader(&exp)
	req.AppendHeader(sipmsg.NewHeader("User-Agent", "callhook"))
	req.SetBody(nil)
	return req
}

// updateTarget takes the remote target from the Contact of a 2xx or
// NOTIFY and, from the first of them, the route set: a response's
// Record-Route reversed, a request's in order (RFC 3261 section 12.1).
func (s *subscription) updateTarget(contact *sipmsg.ContactHeader, recordRoutes []sipmsg.Header, fromResponse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if contact != nil && contact.Address.Host != "" {
		t := contact.Address.Clone()
		s.target = t
	}
	if s.routesFixed || s.target == nil {
		return
	}
	s.routesFixed = true
	s.routes = nil
	for _, h := range recordRoutes {
		if u, ok := routeURI(h); ok {
			s.routes = append(s.routes, u)
		}
	}
	if fromResponse {
		slices.Reverse(s.routes)
	}
}

// routeURI reads one Record-Route value; sipgo's parser splits a
// header listing several into one header each.
func routeURI(h sipmsg.Header) (sipmsg.Uri, bool) {
	if rr, ok := h.(*sipmsg.RecordRouteHeader); ok {
		return *rr.Address.Clone(), true
	}
	var u sipmsg.Uri
	if _, err := sipmsg.ParseAddressValue(h.Value(), &u, nil); err != nil {
		return u, false
	}
	return u, true
}

// dialogRoute returns the Request-URI and Route headers of an in-dialog
// request: the remote target through a loose-routing route set, or, when
// the first route is a strict router (no lr), that router with the
// target as the last route (RFC 3261 section 12.2.1.1).
func dialogRoute(target sipmsg.Uri, routes []sipmsg.Uri) (sipmsg.Uri, []sipmsg.Uri) {
	if len(routes) == 0 {
		return target, nil
	}
	if routes[0].UriParams.Has("lr") {
		return target, slices.Clone(routes)
	}
	ruri := routes[0]
	ruri.UriParams = nil
	return ruri, append(slices.Clone(routes[1:]), target)
}
