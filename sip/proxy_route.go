package sip

import (
	"crypto/sha256"
	"encoding/hex"
	"github.com/callhook/callhook/call"
	"net"
	"strconv"
	"strings"

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

func (p *Proxy) onRequest(req *sipmsg.Request) {
	src := flowOf(req.Transport(), req.Source())
	srcIP := hostOf(src.addr)
	if !p.trustedSource(srcIP) {
		p.log.Warn("sip proxy: request from untrusted address refused", "src", src.addr, "method", string(req.Method))
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
	if p.ownVia(via) {
		p.reply(req, src, 482, "Loop Detected")
		return
	}
	stampVia(via, src)
	branch := p.branch(req)

	if req.Method == sipmsg.OPTIONS && req.Route() == nil && p.ownURI(&req.Recipient) && !req.Recipient.UriParams.Has(tokenParam) {
		// A keepalive ping at the proxy itself: answer it here.
		p.reply(req, src, 200, "OK")
		return
	}
	dst, toPhone, code := p.nextHop(req)
	if code == 0 && !toPhone && p.fromUpstream(src) {
		// The PBX's request would go straight back to the PBX: a loop, or
		// someone using us to reach it with the PBX's own address.
		code = 482
	}
	if code != 0 {
		p.reply(req, src, code, reasonFor(code))
		return
	}
	// Observe before forwarding: the answer may come back over another
	// connection before the send returns, and must find the call known.
	if toPhone {
		p.calls.request(req, call.In, dst)
	} else {
		p.calls.request(req, call.Out, src)
	}

	if mf := req.MaxForwards(); mf != nil {
		mf.Dec()
	} else {
		m := sipmsg.MaxForwardsHeader(70)
		req.AppendHeader(&m)
	}
	if dialogForming(req) {
		p.recordRoute(req, src, dst, toPhone)
	}
	if req.Method == sipmsg.REGISTER && !toPhone {
		p.regs.rewriteRegister(req, src, p.contactFor)
	}
	req.PrependHeader(&sipmsg.ViaHeader{
		ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(dst.transport),
		Host: p.host, Port: p.port, Params: sipmsg.HeaderParams{{K: "branch", V: branch}},
	})
	if err := p.sendRequest(req, dst); err != nil {
		p.log.Warn("sip proxy: forward request", "method", string(req.Method), "dst", dst.addr, "error", err)
		p.reply(req, src, 503, "Service Unavailable")
	}
}

// nextHop decides where req goes and rewrites its Request-URI and Route
// set for that (§16.4). A non-zero code refuses the request.
func (p *Proxy) nextHop(req *sipmsg.Request) (dst flow, toPhone bool, code int) {
	side := ""
	for {
		r := req.Route()
		if r == nil || !p.ownURI(&r.Address) {
			break
		}
		if side == "" {
			side, _ = r.Address.UriParams.Get(sideParam)
			if side == "" {
				side = "-"
			}
		}
		req.RemoveHeader("Route")
	}

	if p.ownURI(&req.Recipient) {
		tok, ok := req.Recipient.UriParams.Get(tokenParam)
		if ok {
			b := p.regs.lookup(tok)
			if b == nil {
				return flow{}, false, 404
			}
			req.Recipient = *b.contact.Clone()
			return b.flow, true, 0
		}
		// Addressed to us as the domain: the softphone means the PBX.
		req.Recipient.Host, req.Recipient.Port = p.upHost, p.upPort
		req.Recipient.UriParams.Remove("transport")
	}

	if side == sideUp {
		// In-dialog request from the PBX side: it goes to the softphone
		// named by the Request-URI, over the flow the call came in on.
		if f, ok := p.calls.phoneFlow(req.CallID().Value()); ok {
			return f, true, 0
		}
		if b := p.regs.byContact(&req.Recipient); b != nil {
			return b.flow, true, 0
		}
		host := req.Recipient.Host
		if !p.trustedPhone(host) {
			return flow{}, false, 403
		}
		port := req.Recipient.Port
		if port == 0 {
			port = 5060
		}
		tr, _ := req.Recipient.UriParams.Get("transport")
		if tr == "" {
			tr = "udp"
		}
		return flowOf(tr, net.JoinHostPort(host, strconv.Itoa(port))), true, 0
	}

	// Everything else goes to the PBX, and only there: a Route naming any
	// other host would make us an open relay.
	if r := req.Route(); r != nil && !p.upstreamURI(&r.Address) {
		return flow{}, false, 403
	}
	return flow{transport: p.upTrans, addr: p.upAddrs[0]}, false, 0
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

// recordRoute adds the double Record-Route: the top entry faces the next
// hop, the bottom one the side the request came from.
func (p *Proxy) recordRoute(req *sipmsg.Request, src, dst flow, toPhone bool) {
	dstSide, srcSide := sideUp, sidePhone
	if toPhone {
		dstSide, srcSide = sidePhone, sideUp
	}
	req.PrependHeader(p.rrHeader(dst.transport, dstSide), p.rrHeader(src.transport, srcSide))
}

func (p *Proxy) rrHeader(transport, side string) *sipmsg.RecordRouteHeader {
	params := sipmsg.HeaderParams{}
	if transport == "tcp" {
		params.Add("transport", "tcp")
	}
	params.Add("lr", "")
	params.Add(sideParam, side)
	return &sipmsg.RecordRouteHeader{Address: sipmsg.Uri{Scheme: "sip", Host: p.host, Port: p.port, UriParams: params}}
}

// contactFor is the Contact the PBX learns for a binding: it points at
// this proxy and carries the binding token.
func (p *Proxy) contactFor(user, token string) sipmsg.Uri {
	params := sipmsg.HeaderParams{}
	if p.upTrans == "tcp" {
		params.Add("transport", "tcp")
	}
	params.Add(tokenParam, token)
	return sipmsg.Uri{Scheme: "sip", User: user, Host: p.host, Port: p.port, UriParams: params}
}

func (p *Proxy) onResponse(res *sipmsg.Response) {
	via := res.Via()
	if via == nil || !p.ownVia(via) {
		p.log.Debug("sip proxy: response not for us dropped", "status", res.StatusCode)
		return
	}
	res.RemoveHeader("Via")
	next := res.Via()
	if next == nil {
		return
	}
	dst := viaFlow(next)
	p.calls.response(res)
	if cs := res.CSeq(); cs != nil && cs.MethodName == sipmsg.REGISTER && res.IsSuccess() {
		p.regs.confirm(res)
		p.updateStatus()
	}
	if err := p.sendResponse(res, dst); err != nil {
		p.log.Warn("sip proxy: forward response", "status", res.StatusCode, "dst", dst.addr, "error", err)
	}
}

// reply answers req statelessly to where it came from.
func (p *Proxy) reply(req *sipmsg.Request, src flow, code int, reason string) {
	if req.IsAck() || req.Via() == nil {
		return
	}
	res := sipmsg.NewResponseFromRequest(req, code, reason, nil)
	if err := p.sendResponse(res, src); err != nil {
		p.log.Debug("sip proxy: send reply", "status", code, "error", err)
	}
}

func (p *Proxy) sendRequest(req *sipmsg.Request, dst flow) error {
	req.SetTransport(strings.ToUpper(dst.transport))
	req.SetDestination(dst.addr)
	req.Laddr = sipmsg.Addr{}
	if dst.transport == "udp" {
		// Send from the listening socket so replies and new requests of
		// the peer reach the address we advertise.
		a, _ := net.ResolveUDPAddr("udp", p.udpAddr)
		req.Laddr = sipmsg.Addr{IP: a.IP, Port: a.Port}
	}
	return p.tl.WriteMsg(req)
}

func (p *Proxy) sendResponse(res *sipmsg.Response, dst flow) error {
	res.SetTransport(strings.ToUpper(dst.transport))
	res.SetDestination(dst.addr)
	if dst.transport == "udp" {
		c, err := p.tl.GetConnection("udp", p.udpAddr)
		if err != nil {
			return err
		}
		defer c.TryClose()
		return c.WriteMsg(res)
	}
	return p.tl.WriteMsgTo(res, dst.addr, "tcp")
}

// branch derives our Via branch from the incoming top Via (§16.11), so it
// is the same for an INVITE, its retransmissions, its CANCEL and its
// non-2xx ACK, and different for every other transaction.
func (p *Proxy) branch(req *sipmsg.Request) string {
	h := sha256.New()
	h.Write(p.secret[:])
	via := req.Via()
	b, _ := via.Params.Get("branch")
	h.Write([]byte(via.SentBy()))
	if strings.HasPrefix(b, "z9hG4bK") {
		h.Write([]byte(b))
	} else {
		// RFC 2543 peer: identify the transaction by its fields instead.
		ft, _ := req.From().Params.Get("tag")
		tt, _ := req.To().Params.Get("tag")
		if req.IsCancel() || req.IsAck() {
			tt = ""
		}
		for _, s := range []string{req.CallID().Value(), ft, tt, strconv.Itoa(int(req.CSeq().SeqNo)), req.Recipient.String()} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
	}
	return branchPrefix + hex.EncodeToString(h.Sum(nil)[:10])
}

// stampVia records where the request really came from (§18.2.1, RFC
// 3581), so its responses find their way back through NAT and over the
// TCP connection it came in on.
func stampVia(via *sipmsg.ViaHeader, src flow) {
	host, port, err := net.SplitHostPort(src.addr)
	if err != nil {
		return
	}
	if via.Params == nil {
		via.Params = sipmsg.HeaderParams{}
	}
	if via.Host != host {
		via.Params.Add("received", host)
	}
	if v, ok := via.Params.Get("rport"); (ok && v == "") || src.transport == "tcp" {
		via.Params.Add("rport", port)
	}
}

func reasonFor(code int) string {
	switch code {
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 482:
		return "Loop Detected"
	}
	return "Error"
}
