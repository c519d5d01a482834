package sip

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// What both sources need to face a PBX on another host: the local address
// the route to it uses, the transport's default port, TLS settings, and
// the public address a NAT gave us, read from the PBX's answers.

// Transports of the PBX leg.
const (
	TransportUDP = "udp"
	TransportTCP = "tcp"
	TransportTLS = "tls"
)

// ErrBadPBXTransport is a transport other than udp, tcp or tls.
var ErrBadPBXTransport = errors.New(`transport must be "udp", "tcp" or "tls"`)

// normTransport returns udp, tcp or tls for a configured transport.
func normTransport(t string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "", TransportUDP:
		return TransportUDP, nil
	case TransportTCP:
		return TransportTCP, nil
	case TransportTLS:
		return TransportTLS, nil
	}
	return "", fmt.Errorf("%w, not %q", ErrBadPBXTransport, t)
}

// defaultPort is the SIP port of a transport when the config names none.
func defaultPort(transport string) int {
	if transport == TransportTLS {
		return 5061
	}
	return 5060
}

// routeLocalIP returns the local address the route to pbx (ip:port)
// takes. Connecting a UDP socket sends nothing: it only asks the kernel
// for the route.
func routeLocalIP(ctx context.Context, pbx string) (net.IP, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", pbx)
	if err != nil {
		return nil, fmt.Errorf("no route to the PBX at %s: %w", pbx, err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP, nil
}

// localIP picks the PBX leg's local address: the configured one (host or
// host:port) or the route's. The port is 0 unless configured.
func localIP(ctx context.Context, configured, pbx string) (net.IP, int, error) {
	if configured == "" {
		ip, err := routeLocalIP(ctx, pbx)
		return ip, 0, err
	}
	host, port := configured, 0
	if h, p, err := net.SplitHostPort(configured); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, 0, fmt.Errorf("local address %q has a bad port", configured)
		}
		host, port = h, n
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip == nil {
		return nil, 0, fmt.Errorf("local address %q is not an IP address of this machine", configured)
	}
	return ip, port, nil
}

// tlsConfig checks the PBX's certificate against the OS trust store
// (SSL_CERT_FILE and SSL_CERT_DIR are honoured on Linux) plus the PEM
// certificates in caFile, for serverName (a host name or an IP).
func tlsConfig(serverName, caFile string) (*tls.Config, error) {
	conf := &tls.Config{ServerName: strings.Trim(serverName, "[]"), MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
	}
	conf.RootCAs = pool
	return conf, nil
}

// tlsError says what a failed TLS handshake with host means for the user;
// key is the source's config key ("source.proxy"), field the one naming
// the PBX ("upstream").
func tlsError(host, key, field string, err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &hostname):
		return fmt.Errorf("TLS to %s: the PBX certificate is not for this name (%v): use the name it is issued for in %s.%s", host, hostname.Error(), key, field)
	case errors.As(err, &unknown):
		return fmt.Errorf("TLS to %s: the PBX certificate is not signed by a trusted CA: set %s.ca_file to the PBX's CA certificate", host, key)
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS to %s: the PBX certificate is invalid (%v)", host, invalid.Error())
	}
	return fmt.Errorf("TLS to %s: %w", host, err)
}
