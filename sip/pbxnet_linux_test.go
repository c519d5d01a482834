package sip

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// The PBX's certificate is checked against the operating system's trust
// store, which on Linux SSL_CERT_FILE replaces, plus ca_file when one is
// set. Go reads the store once per process, so each case runs in a child
// process of this test with its own environment.
func TestTLSTrustsSSLCertFile(t *testing.T) {
	if os.Getenv("CALLHOOK_TLS_CHILD") != "" {
		tlsTrustChild()
		return
	}
	pbx, other := t.TempDir(), t.TempDir()
	files, err := siptest.MakeCerts(pbx, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	otherCA, err := siptest.MakeCerts(other, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, certFile, caFile, want string
	}{
		{"SSL_CERT_FILE holds the PBX's CA", files.CAFile, "", "handshake ok"},
		{"SSL_CERT_FILE holds another CA", otherCA.CAFile, "", "not signed by a trusted CA: set source.proxy.ca_file"},
		{"ca_file adds the PBX's CA to the store", otherCA.CAFile, files.CAFile, "handshake ok"},
		{"the store still counts with a ca_file", files.CAFile, otherCA.CAFile, "handshake ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestTLSTrustsSSLCertFile$", "-test.count=1")
			cmd.Env = append(os.Environ(), "CALLHOOK_TLS_CHILD=1",
				"SSL_CERT_FILE="+tc.certFile, "SSL_CERT_DIR="+t.TempDir(),
				"CALLHOOK_TLS_CERT="+files.CertFile, "CALLHOOK_TLS_KEY="+files.KeyFile, "CALLHOOK_TLS_CA_FILE="+tc.caFile)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			_, result, _ := strings.Cut(string(out), "result: ")
			if result, _, _ = strings.Cut(result, "\n"); !strings.Contains(result, tc.want) {
				t.Errorf("child said:\n%s\nwant %q", out, tc.want)
			}
		})
	}
}

// tlsTrustChild serves TLS on loopback with the certificate the parent
// made and connects to it as a source does: tlsConfig, then a handshake.
func tlsTrustChild() {
	cert, err := tls.LoadX509KeyPair(os.Getenv("CALLHOOK_TLS_CERT"), os.Getenv("CALLHOOK_TLS_KEY"))
	if err != nil {
		fmt.Println("result: load cert:", err)
		return
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		fmt.Println("result: listen:", err)
		return
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	conf, err := tlsConfig("127.0.0.1", os.Getenv("CALLHOOK_TLS_CA_FILE"))
	if err != nil {
		fmt.Println("result: config:", err)
		return
	}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(), conf)
	if err != nil {
		fmt.Println("result:", tlsError("127.0.0.1", "source.proxy", "upstream", err))
		return
	}
	c.Close()
	fmt.Println("result: handshake ok")
}
