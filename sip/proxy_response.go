package sip

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"
)

// Responses go back the way their request came, statelessly: the Via
// below ours says where. What keeps a forged response from being relayed
// is our branch, keyed over the request's two flows.

func (p *Proxy) onResponse(res *sipmsg.Response, src flow) {
	via := res.Via()
	if via == nil {
		return
	}
	if src.PBX && p.pbx.ownResponse(res, src) {
		return
	}
	b, _ := via.Params.Get("branch")
	if !strings.HasPrefix(b, branchPrefix) {
		p.log.Debug("sip proxy: response not for us dropped", "status", res.StatusCode)
		return
	}
	ours := via
	res.RemoveHeader("Via")
	next := res.Via()
	if next == nil {
		return
	}
	dst := viaFlow(next)
	if !src.PBX {
		dst.PBX = true
		if dst.Transport == TransportUDP && !p.pbx.isUpstream(dst.Addr) {
			p.log.Debug("sip proxy: response towards a stranger dropped", "status", res.StatusCode, "dst", dst.Addr)
			return
		}
	}
	if b != branchFor(p.secret, branchID(b), dst, src) {
		// Not a response to a request we sent there: forged or misrouted.
		p.log.Debug("sip proxy: response with a branch that is not ours dropped", "status", res.StatusCode, "src", src.Addr)
		return
	}
	p.calls.response(res)
	if cs := res.CSeq(); cs != nil && cs.MethodName == sipmsg.INVITE && res.StatusCode >= 200 {
		p.markDirty()
	}
	if cs := res.CSeq(); cs != nil && cs.MethodName == sipmsg.REGISTER && src.PBX {
		p.pbx.learn(src.Transport, ours)
		if res.IsSuccess() {
			p.regs.confirm(res)
			p.markDirty()
			p.updateStatus()
		}
		p.regs.unbumpCSeq(res)
	}
	if err := p.send(res, dst); err != nil {
		p.log.Warn("sip proxy: forward response", "status", res.StatusCode, "dst", dst.Addr, "error", err)
	}
}

// reply answers req statelessly to where it came from.
func (p *Proxy) reply(req *sipmsg.Request, src flow, code int, reason string) {
	if req.IsAck() || req.Via() == nil {
		return
	}
	res := sipmsg.NewResponseFromRequest(req, code, reason, nil)
	if src.PBX && src.Transport == TransportUDP {
		src = viaFlow(res.Via())
		src.PBX = true
		if !p.pbx.isUpstream(src.Addr) {
			return
		}
	} else if !src.PBX && src.Transport == TransportUDP {
		src = viaFlow(res.Via())
	}
	if err := p.send(res, src); err != nil {
		p.log.Debug("sip proxy: send reply", "status", code, "error", err)
	}
}

// branch derives our Via branch from the incoming top Via (§16.11), so it
// is the same for an INVITE, its retransmissions, its CANCEL and its
// non-2xx ACK, and different for every other transaction. Its second
// half is keyed over where the request went and where its responses go:
// a response is relayed only if it comes from the flow its request went
// to, and only to the Via the request came with.
func (p *Proxy) branch(req *sipmsg.Request, dst flow) string {
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
	id := hex.EncodeToString(h.Sum(nil)[:10])
	back := viaFlow(via)
	back.PBX = !dst.PBX
	return branchFor(p.secret, id, back, dst)
}

// branchFor keys a branch id to the flow responses go back to and the
// flow they must come from.
func branchFor(secret [16]byte, id string, back, from flow) string {
	m := hmac.New(sha256.New, secret[:])
	fmt.Fprintf(m, "%s|%t|%s|%s|%t|%s|%s", id, back.PBX, back.Transport, back.Addr, from.PBX, from.Transport, from.Addr)
	return branchPrefix + id + hex.EncodeToString(m.Sum(nil)[:6])
}

// branchID is the transaction part of one of our branches.
func branchID(b string) string {
	id := strings.TrimPrefix(b, branchPrefix)
	if len(id) < 20 {
		return ""
	}
	return id[:20]
}
