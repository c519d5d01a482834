//go:build unix

package siptest

import (
	"net"
	"strconv"
	"sync"
	"testing"
)

var (
	portsMu sync.Mutex
	// handed remembers ports given out in this process, so two peers of
	// one test never get the same port before either binds it.
	handed = map[int]bool{}
)

// FreePort returns a loopback port free on both UDP and TCP, as SIP peers
// bind both.
func FreePort(t testing.TB) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find free port: %v", err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		ln.Close()
		if err != nil || handed[port] {
			if pc != nil {
				pc.Close()
			}
			continue
		}
		pc.Close()
		handed[port] = true
		return port
	}
	t.Fatal("find free port: no port free on both udp and tcp")
	return 0
}

// Addr returns 127.0.0.1:port.
func Addr(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}
