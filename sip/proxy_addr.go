package sip

import (
	"net"
	"strconv"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"
)

// Which addresses are the proxy's own, the PBX's or a softphone's: the
// whole of the proxy's relay policy rests on these answers.

// viaFlow is where a response to the hop of via goes, on the phone leg.
func viaFlow(via *sipmsg.ViaHeader) flow {
	host, port := via.Host, via.Port
	if r, ok := via.Params.Get("received"); ok && r != "" {
		host = r
	}
	if r, ok := via.Params.Get("rport"); ok {
		if n, err := strconv.Atoi(r); err == nil && n > 0 {
			port = n
		}
	}
	if port == 0 {
		port = 5060
	}
	return flowOf(via.Transport, net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port)))
}

// ownURI reports whether u names this proxy: its phone leg, or an address
// its PBX leg advertises or advertised before.
func (p *Proxy) ownURI(u *sipmsg.Uri) bool {
	if u.Scheme == "tel" {
		return false
	}
	port := u.Port
	if port == 0 {
		port = 5060
	}
	host := strings.Trim(u.Host, "[]")
	if port == p.port && (host == p.host || host == p.listenIP) {
		return true
	}
	return p.pbx.ours(host, port)
}

func (p *Proxy) upstreamURI(u *sipmsg.Uri) bool {
	port := u.Port
	if port == 0 {
		port = defaultPort(p.upTrans)
	}
	if port != p.upPort {
		return false
	}
	if strings.EqualFold(u.Host, p.upHost) {
		return true
	}
	return p.pbx.isUpstream(net.JoinHostPort(strings.Trim(u.Host, "[]"), strconv.Itoa(port)))
}

// trustedPhone reports whether host may be a softphone: one on this
// machine (loopback or the listen address). The phone leg relays for
// nobody else.
func (p *Proxy) trustedPhone(host string) bool {
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return host == p.listenIP || host == p.host
}

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}
