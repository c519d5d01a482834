package hooks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// Every hook URL in these tests carries a password and a query secret:
// neither may reach the text a user is shown.
const (
	leakUser  = "u:LEAKPW@"
	leakQuery = "?token=LEAKQ"
)

// TestFailureWording makes real requests that fail in the common ways and
// checks the words each failure is shown in, as send produces them.
func TestFailureWording(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the hook's URL (without userinfo and query, added
		// here), the client to send with and the wording wanted.
		setup      func(t *testing.T) (base string, c *http.Client, want string)
		timeout    time.Duration // the hook's; its default when zero
		wantStatus int
	}{
		{name: "nothing listening", setup: func(t *testing.T) (string, *http.Client, string) {
			addr := closedPort(t)
			return "http://" + addr + "/calls", plainClient(nil),
				"could not connect to " + addr + ": nothing is listening there"
		}},
		{name: "through a proxy nobody listens on", setup: func(t *testing.T) (string, *http.Client, string) {
			proxy := closedPort(t)
			tr := plainTransport()
			tr.Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: proxy})
			return "http://crm.example.com/calls", plainClient(tr),
				"could not connect to the proxy " + proxy + ": nothing is listening there"
		}},
		{name: "no answer within the hook's timeout", timeout: 200 * time.Millisecond, setup: func(t *testing.T) (string, *http.Client, string) {
			srv := hangingServer(t)
			return srv.URL + "/calls", plainClient(nil), "no answer within 200 ms"
		}},
		{name: "host not found", setup: func(t *testing.T) (string, *http.Client, string) {
			return "http://nosuch.invalid/calls", plainClient(resolvingVia(t, dnsNXDomain)),
				"could not find the host nosuch.invalid (DNS: no such host)"
		}},
		{name: "name server fails", setup: func(t *testing.T) (string, *http.Client, string) {
			return "http://nosuch.invalid/calls", plainClient(resolvingVia(t, dnsServFail)),
				"could not find the host nosuch.invalid (DNS: server misbehaving)"
		}},
		{name: "self-signed certificate", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := tlsServer(t)
			return srv.URL + "/calls", plainClient(nil),
				"the server's certificate is not trusted for 127.0.0.1: it is signed by an unknown authority (self-signed or a private CA)"
		}},
		{name: "certificate for other names", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := tlsServer(t)
			tr := trusting(srv, nil)
			// crm.example.net is dialled at the test server's address:
			// its certificate is for example.com and loopback only.
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
			}
			return "https://crm.example.net/calls", plainClient(tr),
				"the server's certificate is not valid for crm.example.net: it names example.com, *.example.com, 127.0.0.1, ::1"
		}},
		{name: "expired certificate", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := tlsServer(t)
			after := srv.Certificate().NotAfter
			return srv.URL + "/calls", plainClient(trusting(srv, func() time.Time { return after.Add(24 * time.Hour) })),
				"the server's certificate for 127.0.0.1 expired on " + after.UTC().Format(time.DateOnly)
		}},
		{name: "certificate not yet valid", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := tlsServer(t)
			before := srv.Certificate().NotBefore
			return srv.URL + "/calls", plainClient(trusting(srv, func() time.Time { return before.Add(-24 * time.Hour) })),
				"the server's certificate for 127.0.0.1 is not valid before " + before.UTC().Format(time.DateOnly) + " (is this computer's clock right?)"
		}},
		{name: "https to a plain http server", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := httptest.NewServer(http.NotFoundHandler())
			t.Cleanup(srv.Close)
			addr := srv.Listener.Addr().String()
			return "https://" + addr + "/calls", plainClient(nil),
				addr + " does not speak TLS: does the hook's url need http:// instead of https://?"
		}},
		{name: "connection closed without an answer", setup: func(t *testing.T) (string, *http.Client, string) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				c, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					c.Close()
				}
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/calls", plainClient(nil), "the connection was closed before an answer arrived"
		}},
		{name: "503 asking to retry later", wantStatus: 503, setup: func(t *testing.T) (string, *http.Client, string) {
			srv := answering(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set(HeaderRetryAfter, "120")
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			return srv.URL + "/calls", plainClient(nil), "HTTP 503 Service Unavailable: the receiver asks to retry after 2 min"
		}},
		{name: "404", wantStatus: 404, setup: func(t *testing.T) (string, *http.Client, string) {
			srv := answering(t, http.NotFound)
			return srv.URL + "/calls", plainClient(nil), "HTTP 404 Not Found"
		}},
		{name: "redirect elsewhere", wantStatus: 301, setup: func(t *testing.T) (string, *http.Client, string) {
			srv := answering(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Location", "https://x:LEAKPW@crm.example.com/api/calls?token=LEAKQ#LEAKQ")
				w.WriteHeader(http.StatusMovedPermanently)
			})
			return srv.URL + "/calls", plainClient(nil),
				"HTTP 301 Moved Permanently: redirect to https://crm.example.com/api/calls not followed (hooks must point at the final URL)"
		}},
		{name: "relative redirect", wantStatus: 302, setup: func(t *testing.T) (string, *http.Client, string) {
			srv := answering(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Location", "/login?next=LEAKQ")
				w.WriteHeader(http.StatusFound)
			})
			return srv.URL + "/calls", plainClient(nil),
				"HTTP 302 Found: redirect to " + srv.URL + "/login not followed (hooks must point at the final URL)"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, client, want := tt.setup(t)
			u, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.UserPassword("u", "LEAKPW")
			u.RawQuery = strings.TrimPrefix(leakQuery, "?")
			h := &Hook{ID: "crm", Action: ActionGet, URL: u.String(), Timeout: Duration(tt.timeout)}
			o := send(context.Background(), client, h, templates.Sample(call.IncomingRing, "max", "49"), "msg_1", time.Now(), MapSecrets{})
			if o.err == nil {
				t.Fatalf("attempt succeeded (status %d), want %q", o.status, want)
			}
			if got := o.err.Error(); got != want {
				t.Errorf("error\n got %q\nwant %q", got, want)
			}
			if o.status != tt.wantStatus {
				t.Errorf("status %d, want %d", o.status, tt.wantStatus)
			}
			if strings.Contains(o.err.Error(), "LEAK") {
				t.Errorf("error %q quotes the url's password or query", o.err)
			}
		})
	}
}

// A caller that stops waiting before the hook's timeout is not told the
// receiver was slow for longer than anyone waited.
func TestFailureWordingWhenTheCallerStopsWaiting(t *testing.T) {
	srv := hangingServer(t)
	h := &Hook{ID: "crm", Action: ActionGet, URL: srv.URL, Timeout: Duration(time.Minute)}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	o := send(ctx, plainClient(nil), h, templates.Sample(call.IncomingRing, "max", "49"), "msg_1", time.Now(), MapSecrets{})
	if o.err == nil || !strings.HasPrefix(o.err.Error(), "stopped waiting after ") || strings.Contains(o.err.Error(), "1 min") {
		t.Errorf("error %v, want one saying the wait stopped, not the hook's timeout", o.err)
	}
	if !errors.Is(o.err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap its cause", o.err)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		200 * time.Millisecond:  "200 ms",
		0:                       "0 ms",
		time.Second:             "1 s",
		1500 * time.Millisecond: "1.5 s",
		10 * time.Second:        "10 s",
		90 * time.Second:        "90 s",
		2 * time.Minute:         "2 min",
		24 * time.Hour:          "24 h",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// plainTransport never uses the environment's proxy and never reuses a
// connection, so each case sees its own failure.
func plainTransport() *http.Transport {
	return &http.Transport{DisableKeepAlives: true, TLSHandshakeTimeout: 10 * time.Second}
}

// plainClient is the client deliveries use, over tr (plainTransport when nil).
func plainClient(tr *http.Transport) *http.Client {
	if tr == nil {
		tr = plainTransport()
	}
	return newHTTPClient(&http.Client{Transport: tr}, 1)
}

// hangingServer answers no request until the test ends.
func hangingServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close finish
	return srv
}

func answering(t *testing.T, f http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func tlsServer(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	return srv
}

// trusting is a transport that trusts srv's certificate, at the time now
// tells (the real time when nil).
func trusting(srv *httptest.Server, now func() time.Time) *http.Transport {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := plainTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, Time: now}
	return tr
}

// DNS response codes the fake name server answers with.
const (
	dnsServFail = 2
	dnsNXDomain = 3
)

// resolvingVia is a transport whose host names are resolved by a name
// server on loopback that answers every question with rcode: no lookup
// leaves the machine.
func resolvingVia(t *testing.T, rcode byte) *http.Transport {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return // closed at the test's end
			}
			if resp := dnsAnswer(buf[:n], rcode); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
	tr := plainTransport()
	tr.DialContext = (&net.Dialer{Resolver: r}).DialContext
	return tr
}

// dnsAnswer answers a DNS query with its header and question only and
// rcode; nil for what is not a query with one question.
func dnsAnswer(q []byte, rcode byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 {
		end += int(q[end]) + 1
	}
	end += 5 // the root label, type and class
	if end > len(q) {
		return nil
	}
	resp := append([]byte(nil), q[:end]...)
	resp[2] = 0x80 | q[2]&0x01 // a response; recursion desired as asked
	resp[3] = 0x80 | rcode     // recursion available
	clear(resp[6:12])          // no answer, authority or additional records
	return resp
}
