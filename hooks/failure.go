package hooks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/callhook/callhook/templates"
)

// This file turns what a delivery attempt came to into the words the
// journal stores and every surface shows (the window, `hooks test`,
// `simulate`, `history`): what happened and where, as a user can act on
// it. None of it quotes the request's URL: its userinfo, path and query may
// carry caller data or a secret. The host and port are literal in the hook
// (templates.URL forbids placeholders there), so naming them is safe.

// describeFailure says in plain words why a request for h got no HTTP answer:
// "could not connect to 127.0.0.1:8099: nothing is listening there",
// "no answer within 10 s".
func describeFailure(err error, h *Hook) string {
	target, host := hookTarget(h)
	var (
		op      *net.OpError
		dnsErr  *net.DNSError
		hostErr x509.HostnameError
		authErr x509.UnknownAuthorityError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
	)
	// Through a proxy, it is the proxy that could not be reached.
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		target, host = "the proxy", ""
		if inner := (*net.OpError)(nil); errors.As(op.Err, &inner) && inner.Addr != nil {
			target = "the proxy " + inner.Addr.String()
		}
	}
	connect := "could not connect to " + target
	if op != nil && op.Op == "dial" && op.Addr != nil {
		// The address dialled, when the hook names its host: localhost
		// may be ::1 where the receiver listens on 127.0.0.1 only.
		if ip, _, err := net.SplitHostPort(op.Addr.String()); err == nil && ip != host {
			connect += " (" + ip + ")"
		}
	}
	timeout := humanDuration(h.TimeoutOrDefault())
	switch {
	case errors.As(err, &dnsErr):
		return "could not find the host " + dnsName(dnsErr, host) + " (DNS: " + dnsCause(dnsErr) + ")"
	case strings.Contains(err.Error(), "TLS handshake timeout"):
		// The transport's own limit, which may be shorter than the hook's.
		return connect + ": the TLS handshake did not finish in time"
	case isTimeout(err):
		if op != nil && (op.Op == "dial" || op.Op == "proxyconnect") {
			return connect + ": no answer within " + timeout
		}
		return "no answer within " + timeout
	case errors.As(err, &hostErr):
		return "the server's certificate is not valid for " + host + ": it names " + certNames(hostErr.Certificate)
	case errors.As(err, &authErr):
		return "the server's certificate is not trusted for " + host + ": it is signed by an unknown authority (self-signed or a private CA)"
	case errors.As(err, &invErr) && invErr.Reason == x509.Expired:
		if strings.Contains(invErr.Detail, "is before") {
			return "the server's certificate for " + host + " is not valid before " +
				invErr.Cert.NotBefore.UTC().Format(time.DateOnly) + " (is this computer's clock right?)"
		}
		return "the server's certificate for " + host + " expired on " + invErr.Cert.NotAfter.UTC().Format(time.DateOnly)
	case errors.As(err, &invErr):
		return "the server's certificate is not trusted for " + host + ": " + shortCause(invErr)
	case errors.Is(err, http.ErrSchemeMismatch), errors.As(err, &recErr):
		return target + " does not speak TLS: does the hook's url need http:// instead of https://?"
	case isErrno(err, refused...):
		return connect + ": nothing is listening there"
	case isErrno(err, unreachable...):
		return connect + ": the network has no route to it"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), isErrno(err, closed...):
		return "the connection was closed before an answer arrived"
	case op != nil && (op.Op == "dial" || op.Op == "proxyconnect"):
		return connect + ": " + shortCause(op.Err)
	}
	return "request to " + target + " failed: " + shortCause(err)
}

// requestError is describeFailure's text for a request that got no
// answer, or, when the caller stopped waiting before the hook's timeout
// (`hooks test --wait`, a closing window), says so rather than blame the
// receiver. It wraps err, so errors.Is still sees the cause.
func requestError(parent context.Context, h *Hook, err error, waited time.Duration) error {
	msg := describeFailure(err, h)
	if parent.Err() != nil {
		msg = "stopped waiting after " + humanDuration(waited) + ", before an answer arrived"
	}
	return &attemptError{msg: msg, err: err}
}

// attemptError is a failed attempt in plain words around its cause, whose
// own message (quoting the URL) is never shown.
type attemptError struct {
	msg string
	err error
}

func (e *attemptError) Error() string { return e.msg }
func (e *attemptError) Unwrap() error { return e.err }

// Errnos by what they mean to a user; Winsock's numbers (100xx) stand
// beside the Unix ones, which they cannot collide with.
var (
	refused     = []syscall.Errno{syscall.ECONNREFUSED, 10061}
	unreachable = []syscall.Errno{syscall.EHOSTUNREACH, syscall.ENETUNREACH, 10065, 10051}
	closed      = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, 10054, 10053}
)

func isErrno(err error, errnos ...syscall.Errno) bool {
	var n syscall.Errno
	if !errors.As(err, &n) {
		return false
	}
	for _, e := range errnos {
		if n == e {
			return true
		}
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout()
}

// hookTarget returns h's literal host as host:port, the port filled in
// from the scheme, and the host name alone.
func hookTarget(h *Hook) (target, host string) {
	u, err := templates.ParseURL(h.URL)
	if err != nil {
		return "the receiver", "the receiver"
	}
	hostport := u.Host()
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), "443"
		if u.Scheme() == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(host, port), host
}

func dnsName(e *net.DNSError, host string) string {
	if e.Name != "" {
		return e.Name
	}
	return host
}

func dnsCause(e *net.DNSError) string {
	switch {
	case e.IsNotFound:
		return "no such host"
	case e.IsTimeout:
		return "the name server did not answer in time"
	}
	return shortCause(errors.New(e.Err))
}

// certNames lists the names a certificate is for, at most four.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "other names"
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return "no names"
	}
	if len(names) > 4 {
		names = append(names[:4], "…")
	}
	return strings.Join(names, ", ")
}

// shortCause is err's message without the Go package prefixes a user
// cannot act on ("x509: ", "dial tcp 1.2.3.4:5: ").
func shortCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message quotes the URL
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	s := err.Error()
	for _, p := range []string{"tls: failed to verify certificate: ", "x509: ", "tls: ", "net/http: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// statusError describes an HTTP answer that is not a success: "HTTP 503
// Service Unavailable: the receiver asks to retry after 2 min".
func statusError(resp *http.Response, retryAfter time.Duration) error {
	status := excerpt([]byte(resp.Status)) // the reason phrase is the receiver's text
	if status == "" || !strings.HasPrefix(status, strconv.Itoa(resp.StatusCode)) {
		status = strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	msg := "HTTP " + strings.TrimSpace(status)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc := "another url"
		if l, err := resp.Location(); err == nil {
			loc = excerpt([]byte(l.Scheme + "://" + l.Host + l.EscapedPath()))
		}
		return errors.New(msg + ": redirect to " + loc + " not followed (hooks must point at the final URL)")
	}
	if retryAfter > 0 {
		msg += ": the receiver asks to retry after " + humanDuration(retryAfter)
	}
	return errors.New(msg)
}

// humanDuration writes d as people say it: "200 ms", "1.5 s", "10 s",
// "2 min", "1 h".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
	}
	return fmt.Sprintf("%d s", d.Round(time.Second)/time.Second)
}
