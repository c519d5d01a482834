//go:build unix

package siptest

import (
	"net"
	"testing"
)

func TestFreePortIsFreeAndDistinct(t *testing.T) {
	seen := map[int]bool{}
	for range 20 {
		p := FreePort(t)
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
		pc, err := net.ListenPacket("udp", Addr(p))
		if err != nil {
			t.Fatalf("udp port %d not free: %v", p, err)
		}
		ln, err := net.Listen("tcp", Addr(p))
		if err != nil {
			t.Fatalf("tcp port %d not free: %v", p, err)
		}
		pc.Close()
		ln.Close()
	}
}

func TestKamailioAnswersOptions(t *testing.T) {
	bin := RequirePeers(t)
	k := StartKamailio(t, bin, RepoRoot(t)+"/testdata/kamailio/proxy.cfg")
	if err := k.waitReady(2e9); err != nil {
		t.Fatalf("started kamailio does not answer: %v", err)
	}
}
