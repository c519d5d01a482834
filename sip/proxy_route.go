package sip

import (
	"net"
	"strings"

	"github.com/callhook/callhook/call"

	sipmsg "github.com/emiago/sipgo/sip"
)

// Routing follows RFC 3261 §16 for a stateless proxy (§16.11): the proxy
// adds its own Via with a branch derived from the incoming one, so a
// retransmission, the CANCEL and the ACK for a non-2xx response of an
// INVITE all get the branch the INVITE got, and the next hop matches
// them to its transaction. Responses lose our Via and go where the next
// Via says.
//
// Initial INVITE, SUBSCRIBE and REFER get two Record-Route entries
// (RFC 5658 double record-routing), each facing one side: "ch=up" faces
// the PBX, "ch=ph" the softphone. The entry an in-dialog request hits
// first tells from which side it came, so the proxy knows where it goes
// without remembering the dialog.

const (
	branchPrefix = "z9hG4bKch" // magic cookie plus our mark
	sideParam    = "ch"
	sideUp       = "up"
	sidePhone    = "ph"
	tokenParam   = "chb" // binding token in the Contact we register
)

func (p *Proxy) onRequest(req *sipmsg.Request, src flow) {
	if src.PBX {
		if src.Transport == TransportUDP && !p.pbx.isUpstream(src.Addr) {
			// Only the PBX talks to the PBX leg.
			p.log.Debug("sip proxy: request on the PBX leg from another host dropped", "src", src.Addr, "method", string(req.Method))
			return
		}
	} else if !p.trustedPhone(hostOf(src.Addr)) {
		p.log.Warn("sip proxy: request from untrusted address refused", "src", src.Addr, "method", string(req.Method))
		p.reply(req, src, 403, "Forbidden")
		return
	}
	via := req.Via()
	if via == nil {
		return // nowhere to answer
	}
	if req.CallID() == nil || req.CSeq() == nil || req.From() == nil || req.To() == nil {
		p.reply(req, src, 400, "Missing Mandatory Header")
		return
	}
	if mf := req.MaxForwards(); mf != nil && mf.Val() == 0 {
		p.reply(req, src, 483, "Too Many Hops")
		return
	}
	if b, _ := via.Params.Get("branch"); strings.HasPrefix(b, branchPrefix) && p.ownURI(&sipmsg.Uri{Host: via.Host, Port: via.Port}) {
		p.reply(req, src, 482, "Loop Detected")
		return
	}
	stampVia(via, src)

	if req.Method == sipmsg.OPTIONS && req.Route() == nil && p.ownURI(&req.Recipient) && !req.Recipient.UriParams.Has(tokenParam) {
		// A keepalive ping at the proxy itself: answer it here.
		p.reply(req, src, 200, "OK")
		return
	}
	dst, code := p.nextHop(req, src)
	if code != 0 {
		p.reply(req, src, code, reasonFor(code))
		return
	}
	toPhone := !dst.PBX
	if dst.PBX {
		var err error
		if dst, err = p.pbxFlow(req); err != nil {
			p.log.Warn("sip proxy: cannot reach the PBX", "method", string(req.Method), "error", err)
			p.reply(req, src, 503, "Service Unavailable")
			return
		}
	}
	// Observe before forwarding: the answer may come back over another
	// connection before the send returns, and must find the call known.
	if toPhone {
		p.calls.request(req, call.In, dst)
	} else {
		p.calls.request(req, call.Out, src)
		if sc := p.phones.get(src.Addr); sc != nil && src.Transport == TransportTCP {
			sc.used.Store(true)
		}
	}
	if req.Method == sipmsg.INVITE || req.Method == sipmsg.BYE || req.Method == sipmsg.CANCEL {
		p.markDirty()
	}

	if mf := req.MaxForwards(); mf != nil {
		mf.Dec()
	} else {
		m := sipmsg.MaxForwardsHeader(70)
		req.AppendHeader(&m)
	}
	if dialogForming(req) {
		p.recordRoute(req, src, dst)
	}
	if req.Method == sipmsg.REGISTER && !toPhone {
		p.regs.bumpCSeq(req)
		p.regs.rewriteRegister(req, src, func(user, token string) sipmsg.Uri { return p.contactFor(user, token, p.upTrans) })
		p.markDirty()
	}
	branch := p.branch(req, dst)
	req.PrependHeader(p.ownVia(dst, branch))
	if req.Method == sipmsg.REGISTER && !toPhone {
		p.regs.remember(req)
	}
	if err := p.send(req, dst); err != nil {
		p.log.Warn("sip proxy: forward request", "method", string(req.Method), "dst", dst.Addr, "error", err)
		p.reply(req, src, 503, "Service Unavailable")
	}
}

// pbxFlow picks how req goes to the PBX: the configured transport, or
// TCP for a request too large for UDP (RFC 3261 §18.1.1), falling back
// to UDP when the PBX takes no TCP. Stream connections are opened here,
// before anything names their address.
func (p *Proxy) pbxFlow(req *sipmsg.Request) (flow, error) {
	f := flow{PBX: true, Transport: p.upTrans, Addr: p.pbx.upAddr()}
	if f.Transport == TransportUDP && len(req.String())+400 > udpSafe {
		if _, err := p.pbx.conn(TransportTCP); err == nil {
			f.Transport = TransportTCP
		} else {
			p.log.Debug("sip proxy: large request stays on udp", "error", err)
		}
		return f, nil
	}
	if f.Transport != TransportUDP {
		if _, err := p.pbx.conn(f.Transport); err != nil {
			return f, err
		}
	}
	return f, nil
}

// ownVia is the Via we add for a request going to dst.
func (p *Proxy) ownVia(dst flow, branch string) *sipmsg.ViaHeader {
	v := &sipmsg.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(dst.Transport),
		Host: p.host, Port: p.port, Params: sipmsg.HeaderParams{}}
	if dst.PBX {
		v.Host, v.Port = p.pbx.advertised(dst.Transport)
		v.Params.Add("rport", "")
	}
	v.Params.Add("branch", branch)
	return v
}

// nextHop decides where req goes and rewrites its Request-URI and Route
// set for that (§16.4). A softphone's request goes to the PBX and only
// there; the PBX's goes to a softphone we know (by binding token, call
// or registered contact) and only there. A non-zero code refuses it.
func (p *Proxy) nextHop(req *sipmsg.Request, src flow) (flow, int) {
	for r := req.Route(); r != nil && p.ownURI(&r.Address); r = req.Route() {
		req.RemoveHeader("Route")
	}
	if !src.PBX {
		if p.ownURI(&req.Recipient) {
			// Addressed to us as the domain: the softphone means the PBX.
			req.Recipient.Host, req.Recipient.Port = p.upHost, p.upPort
			req.Recipient.UriParams.Remove("transport")
			req.Recipient.UriParams.Remove(tokenParam)
		}
		// A Route naming any other host would make us an open relay.
		if r := req.Route(); r != nil && !p.upstreamURI(&r.Address) {
			return flow{}, 403
		}
		return flow{PBX: true}, 0
	}

	if req.Route() != nil {
		return flow{}, 403
	}
	if tok, ok := req.Recipient.UriParams.Get(tokenParam); ok && p.ownURI(&req.Recipient) {
		b := p.regs.lookup(tok)
		if b == nil {
			return flow{}, 404
		}
		req.Recipient = *b.contact.Clone()
		return b.flow, 0
	}
	if f, ok := p.calls.phoneFlow(req.CallID().Value()); ok {
		return f, 0
	}
	if b := p.regs.byContact(&req.Recipient); b != nil {
		return b.flow, 0
	}
	if _, tagged := req.To().Params.Get("tag"); tagged {
		return flow{}, 481
	}
	return flow{}, 404
}

func dialogForming(req *sipmsg.Request) bool {
	switch req.Method {
	case sipmsg.INVITE, sipmsg.SUBSCRIBE, sipmsg.REFER:
	default:
		return false
	}
	_, tagged := req.To().Params.Get("tag")
	return !tagged
}

// recordRoute adds the double Record-Route (RFC 5658) right after the
// Via block: the top entry faces the next hop, the bottom one the side
// the request came from, each naming the address that side reaches. The
// PBX reaches us over the configured transport, also for a dialog whose
// large INVITE went over TCP: that connection may be gone by the BYE.
func (p *Proxy) recordRoute(req *sipmsg.Request, src, dst flow) {
	phone := src
	if src.PBX {
		phone = dst
	}
	host, port := p.pbx.advertised(p.upTrans)
	up := rrHeader(host, port, p.upTrans, sideUp)
	ph := rrHeader(p.host, p.port, phone.Transport, sidePhone)
	if dst.PBX {
		insertAfterVias(req, up, ph)
	} else {
		insertAfterVias(req, ph, up)
	}
}

func rrHeader(host string, port int, transport, side string) *sipmsg.RecordRouteHeader {
	params := sipmsg.HeaderParams{}
	if transport != TransportUDP {
		params.Add("transport", transport)
	}
	params.Add("lr", "")
	params.Add(sideParam, side)
	return &sipmsg.RecordRouteHeader{Address: sipmsg.Uri{Scheme: "sip", Host: host, Port: port, UriParams: params}}
}

// insertAfterVias puts hs after the last Via and before everything else,
// where peers expect a proxy's Record-Route entries.
func insertAfterVias(msg *sipmsg.Request, hs ...sipmsg.Header) {
	all := append([]sipmsg.Header(nil), msg.Headers()...)
	for _, h := range all {
		msg.RemoveHeader(h.Name())
	}
	i := 0
	for i < len(all) && strings.EqualFold(all[i].Name(), "Via") {
		msg.AppendHeader(all[i])
		i++
	}
	for _, h := range hs {
		msg.AppendHeader(h)
	}
	for _, h := range all[i:] {
		msg.AppendHeader(h)
	}
}

// contactFor is the Contact the PBX learns for a binding: it points at
// the PBX leg's advertised address and carries the binding token.
func (p *Proxy) contactFor(user, token, transport string) sipmsg.Uri {
	host, port := p.pbx.advertised(transport)
	params := sipmsg.HeaderParams{}
	if transport != TransportUDP {
		params.Add("transport", transport)
	}
	params.Add(tokenParam, token)
	return sipmsg.Uri{Scheme: "sip", User: user, Host: host, Port: port, UriParams: params}
}

// stampVia records where the request really came from (§18.2.1, RFC
// 3581), so its responses find their way back through NAT and over the
// TCP connection it came in on.
func stampVia(via *sipmsg.ViaHeader, src flow) {
	host, port, err := net.SplitHostPort(src.Addr)
	if err != nil {
		return
	}
	if via.Params == nil {
		via.Params = sipmsg.HeaderParams{}
	}
	if via.Host != host {
		via.Params.Add("received", host)
	}
	if v, ok := via.Params.Get("rport"); (ok && v == "") || src.Transport != TransportUDP {
		via.Params.Add("rport", port)
	}
}

func reasonFor(code int) string {
	switch code {
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 481:
		return "Call/Transaction Does Not Exist"
	case 482:
		return "Loop Detected"
	}
	return "Error"
}
