package sip

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// The proxy owns its sockets rather than sharing sipgo's transport layer:
// which socket a message leaves from, which connection a response takes
// and which peers may open connections are the proxy's security and NAT
// policy, so they are decided here, in one place.
//
// The phone leg is a UDP socket and a TCP listener on `listen` (loopback
// by default). The PBX leg is a UDP socket on the address the route to
// the PBX takes, plus the stream connections (TCP or TLS) the proxy opens
// to the PBX; the PBX never connects to us.

const (
	// maxDatagram is the largest UDP payload: messages up to it are read
	// and relayed (RFC 3261 §18.1.1 moves large requests to TCP where it
	// can; responses and loopback phones take UDP at any size).
	maxDatagram = 65535
	// udpSafe is §18.1.1's limit for requests over UDP with an unknown
	// path MTU.
	udpSafe = 1300
	// maxPhoneConns caps the phone leg's TCP connections: the softphones
	// on this machine need a handful.
	maxPhoneConns = 256
	// idleQuiet closes a phone connection that has carried nothing for
	// this long and serves no registration or call.
	idleQuiet = 30 * time.Second
	// idleBound closes any phone connection idle for this long; a
	// registered softphone refreshes or pings well within it.
	idleBound = 2 * time.Hour
	// writeTimeout bounds one write to a stream connection.
	writeTimeout = 5 * time.Second
)

// flow is one side's address: which leg, transport and the peer's
// ip:port. Phone flows are persisted, so the fields are exported in JSON.
type flow struct {
	PBX       bool   `json:"pbx,omitempty"`
	Transport string `json:"transport"`
	Addr      string `json:"addr"`
}

func flowOf(transport, addr string) flow {
	return flow{Transport: lower(transport), Addr: addr}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// streamConn is one TCP or TLS connection with its parser state.
type streamConn struct {
	net.Conn
	transport string
	wmu       sync.Mutex
	last      atomic.Int64 // unix nanos of the last read
	// pong is set when the peer answered a CRLF ping (RFC 5626 §4.4.1).
	pong atomic.Bool
	// used marks a phone connection that carried a request we relayed.
	used atomic.Bool
}

func newStreamConn(c net.Conn, transport string) *streamConn {
	s := &streamConn{Conn: c, transport: transport}
	s.last.Store(time.Now().UnixNano())
	return s
}

func (s *streamConn) write(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := s.Write(b)
	return err
}

// readStream parses SIP messages off c until it fails, calling handle for
// each; bare CRLFs between messages are keepalives (RFC 5626 §3.5.1).
func readStream(c *streamConn, parser *sipmsg.Parser, handle func(sipmsg.Message)) error {
	par := parser.NewSIPStream()
	defer par.Close()
	buf := make([]byte, 32*1024)
	mid := false // inside a message: CRLFs belong to it
	for {
		n, err := c.Read(buf)
		if n > 0 {
			c.last.Store(time.Now().UnixNano())
			par.Write(buf[:n])
			for {
				if !mid {
					b := par.Buffer()
					for b.Len() >= 2 && bytes.HasPrefix(b.Bytes(), []byte("\r\n")) {
						b.Next(2)
						c.pong.Store(true)
					}
					if b.Len() == 0 {
						break
					}
				}
				msg, _, perr := par.ParseNext()
				if errors.Is(perr, io.ErrUnexpectedEOF) {
					mid = true
					break
				}
				mid = false
				if perr != nil {
					// No message boundary to resync on: drop the stream.
					return perr
				}
				handle(msg)
			}
		}
		if err != nil {
			return err
		}
	}
}

// serveUDP reads datagrams from pc and hands each parsed message on.
func (p *Proxy) serveUDP(pc net.PacketConn, pbx bool) {
	buf := make([]byte, maxDatagram)
	for {
		n, src, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// ICMP errors surface as read errors on Linux; the socket
			// stays usable.
			p.log.Debug("sip proxy: udp read", "error", err)
			continue
		}
		data := buf[:n]
		if len(bytes.Trim(data, "\r\n\x00 ")) == 0 {
			continue // keepalive
		}
		msg, err := p.parser.ParseSIP(data)
		if err != nil {
			p.badMessage(src.String(), err)
			continue
		}
		p.handle(msg, flow{PBX: pbx, Transport: TransportUDP, Addr: src.String()})
	}
}

// badMessage logs an unparsable message at debug, rate-limited and cut
// short: peers control how many arrive, and the parser's error quotes the
// line it could not parse, as long as the peer made it.
func (p *Proxy) badMessage(src string, err error) {
	now := time.Now().Unix()
	if p.badLogged.Swap(now) == now {
		return
	}
	p.log.Debug("sip proxy: unparsable message dropped", "src", src, truncAttr(slog.Any("error", err)))
}

// servePhoneTCP accepts softphone connections until ln is closed. It
// survives accept errors (fd exhaustion among them) and caps how many
// connections it holds.
func (p *Proxy) servePhoneTCP(ctx context.Context, ln net.Listener) {
	delay := 5 * time.Millisecond
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return
			}
			// EMFILE and friends: back off and try again rather than
			// stop listening for good.
			p.log.Warn("sip proxy: accept", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		ip := hostOf(c.RemoteAddr().String())
		if !p.trustedPhone(ip) {
			c.Close()
			continue
		}
		sc := newStreamConn(c, TransportTCP)
		if !p.phones.add(sc) {
			p.log.Warn("sip proxy: too many softphone connections, refusing one", "limit", maxPhoneConns)
			c.Close()
			continue
		}
		go func() {
			defer p.phones.remove(sc)
			addr := c.RemoteAddr().String()
			err := readStream(sc, p.parser, func(m sipmsg.Message) {
				p.handle(m, flow{Transport: TransportTCP, Addr: addr})
			})
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.log.Debug("sip proxy: softphone connection closed", "addr", addr, "error", err)
			}
		}()
	}
}

// connSet holds the phone leg's TCP connections by remote address.
type connSet struct {
	mu sync.Mutex
	m  map[string]*streamConn
}

func (s *connSet) add(c *streamConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*streamConn{}
	}
	if len(s.m) >= maxPhoneConns {
		return false
	}
	s.m[c.RemoteAddr().String()] = c
	return true
}

func (s *connSet) remove(c *streamConn) {
	s.mu.Lock()
	if s.m[c.RemoteAddr().String()] == c {
		delete(s.m, c.RemoteAddr().String())
	}
	s.mu.Unlock()
	c.Close()
}

func (s *connSet) get(addr string) *streamConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[addr]
}

func (s *connSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// reapIdle closes connections idle past their limit: quiet ones (never
// used for a relayed request, or not serving a binding or call) soon,
// all of them eventually.
func (s *connSet) reapIdle(now time.Time, serves func(addr string) bool) {
	s.mu.Lock()
	var idle []*streamConn
	for addr, c := range s.m {
		quiet := now.Sub(time.Unix(0, c.last.Load()))
		if quiet > idleBound || (quiet > idleQuiet && !(c.used.Load() && serves(addr))) {
			idle = append(idle, c)
		}
	}
	s.mu.Unlock()
	for _, c := range idle {
		c.Close() // the reader removes it
	}
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	all := make([]*streamConn, 0, len(s.m))
	for _, c := range s.m {
		all = append(all, c)
	}
	s.mu.Unlock()
	for _, c := range all {
		c.Close()
	}
}

// encode writes msg for the wire. Stream transports need Content-Length
// (RFC 3261 §18.3); a UDP peer may have left it out.
func encode(msg sipmsg.Message, stream bool) []byte {
	if stream && msg.ContentLength() == nil {
		cl := sipmsg.ContentLengthHeader(len(msg.Body()))
		msg.AppendHeader(&cl)
	}
	var b bytes.Buffer
	msg.StringWrite(&b)
	return b.Bytes()
}

// send writes msg to dst: phone flows only over the socket or the
// connection the softphone uses (no new connection is ever opened
// towards a phone), PBX flows over the PBX leg.
func (p *Proxy) send(msg sipmsg.Message, dst flow) error {
	if dst.PBX {
		return p.pbx.send(msg, dst)
	}
	switch dst.Transport {
	case TransportUDP:
		a, err := net.ResolveUDPAddr("udp", dst.Addr)
		if err != nil {
			return err
		}
		_, err = p.phoneUDP.WriteTo(encode(msg, false), a)
		return err
	case TransportTCP:
		c := p.phones.get(dst.Addr)
		if c == nil {
			return errors.New("the softphone's TCP connection " + dst.Addr + " is gone")
		}
		return c.write(encode(msg, true))
	}
	return errors.New("no " + dst.Transport + " on the phone leg")
}

// listenPhone binds the phone leg: UDP and TCP on one port.
func listenPhone(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return nil, nil, listenError(err)
	}
	// With port 0 the TCP port follows the UDP one, so both share a number.
	ln, err := lc.Listen(ctx, "tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return nil, nil, listenError(err)
	}
	return pc, ln, nil
}

func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
