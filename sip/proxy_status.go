package sip

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// What the proxy tells the user about its PBX leg, and the keepalives
// that keep it open and tell whether the PBX still answers.

func (p *Proxy) wakeKeepalive() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// keepalives pings the PBX every keepaliveEvery while a softphone is
// registered or a call is up, and at once when woken (start, lost
// connection). While the PBX does not answer it pings every few seconds;
// when the PBX answers again it may have restarted and forgotten the
// registrations, so they are sent again.
func (p *Proxy) keepalives(ctx context.Context) {
	t := time.NewTimer(p.kaEvery)
	defer t.Stop()
	down := false
	for {
		woken := false
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
			woken = true
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		}
		next := p.kaEvery
		if !woken && !down && p.regs.count(time.Now()) == 0 && !p.calls.active() {
			t.Reset(next)
			continue
		}
		out := p.pbx.keepalive()
		switch {
		case out != kaAnswered:
			down = true
			next = min(next, downProbeEvery)
		case down:
			down = false
			p.log.Info("sip proxy: the PBX answers again; registering the softphones anew")
			p.readvertise(true)
		default:
			// A connection re-opened by a send changed our address.
			p.readvertise(false)
		}
		p.mu.Lock()
		p.keepalive, p.kaAt = out, time.Now()
		p.pbxErr = ""
		if strings.HasPrefix(out, kaNoConn) {
			p.pbxErr = strings.TrimPrefix(out, kaNoConn)
		}
		p.mu.Unlock()
		p.updateStatus()
		t.Reset(next)
	}
}

// downProbeEvery is how often a PBX that stopped answering is probed.
const downProbeEvery = 5 * time.Second

func (p *Proxy) updateStatus() {
	addr := p.Addr()
	host, port := p.pbx.advertised(p.upTrans)
	learned := p.pbx.natSeen(p.upTrans)
	p.mu.Lock()
	ka, kaAt, pbxErr := p.keepalive, p.kaAt, p.pbxErr
	p.mu.Unlock()
	s := Status{Transport: p.upTrans, Advertised: net.JoinHostPort(host, strconv.Itoa(port)), Learned: learned,
		Keepalive: ka, KeepaliveAt: kaAt}
	if port == 0 {
		s.Advertised = ""
	}
	n := p.regs.count(time.Now())
	switch {
	case pbxErr != "":
		s.State, s.Err = StateError, pbxErr
		s.Detail = fmt.Sprintf("softphones: %s · PBX %s unreachable", addr, p.cfg.Upstream)
	case n == 0:
		s.State = StateListening
		s.Detail = fmt.Sprintf("softphones: %s (udp, tcp) · PBX: %s", addr, p.cfg.Upstream)
	default:
		s.State, s.Registered = StateRegistered, n
		s.Detail = fmt.Sprintf("%d softphone(s) registered via %s · PBX: %s", n, addr, p.cfg.Upstream)
	}
	p.status.set(s)
}
