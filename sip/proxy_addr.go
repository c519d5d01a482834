package sip

import (
	"net"
	"strconv"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"
)

// Which addresses are the proxy's own, the PBX's or a softphone's: the
// whole of the proxy's relay policy rests on these answers.

// flow is where a message goes: transport ("udp" or "tcp") and ip:port.
type flow struct {
	transport string
	addr      string
}

func flowOf(transport, addr string) flow {
	return flow{transport: strings.ToLower(transport), addr: addr}
}

// viaFlow is where a response to the hop of via goes.
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

func (p *Proxy) ownVia(via *sipmsg.ViaHeader) bool {
	b, _ := via.Params.Get("branch")
	return strings.HasPrefix(b, branchPrefix) && p.ownHostPort(via.Host, via.Port)
}

func (p *Proxy) ownURI(u *sipmsg.Uri) bool {
	return u.Scheme != "tel" && p.ownHostPort(u.Host, u.Port)
}

func (p *Proxy) ownHostPort(host string, port int) bool {
	if port == 0 {
		port = 5060
	}
	if port != p.port {
		return false
	}
	host = strings.Trim(host, "[]")
	return host == p.host || host == p.listenIP
}

func (p *Proxy) upstreamURI(u *sipmsg.Uri) bool {
	port := u.Port
	if port == 0 {
		port = 5060
	}
	if port != p.upPort {
		return false
	}
	if strings.EqualFold(u.Host, p.upHost) {
		return true
	}
	for _, a := range p.upAddrs {
		if hostOf(a) == strings.Trim(u.Host, "[]") {
			return true
		}
	}
	return false
}

// trustedSource reports whether requests from ip may use the proxy: the
// softphones on this machine (loopback or the listen address) and the PBX.
func (p *Proxy) trustedSource(ip string) bool {
	if p.trustedPhone(ip) {
		return true
	}
	for _, a := range p.upAddrs {
		if hostOf(a) == ip {
			return true
		}
	}
	return false
}

// trustedPhone reports whether host may be a softphone behind the proxy.
func (p *Proxy) trustedPhone(host string) bool {
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return host == p.listenIP || host == p.host || p.regs.hasHost(host)
}

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

// fromUpstream reports whether src is the PBX's own address. Only UDP
// says so reliably: over TCP the PBX connects from any port.
func (p *Proxy) fromUpstream(src flow) bool {
	if src.transport != "udp" {
		return false
	}
	for _, a := range p.upAddrs {
		if a == src.addr {
			return true
		}
	}
	return false
}
