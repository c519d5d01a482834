//go:build linux

package siptest

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BedOptions choose a test bed's Kamailio and network.
type BedOptions struct {
	// Config is "proxy" (testdata/kamailio/proxy.cfg, the default) or
	// "dialog" (dialog.cfg, with User and Password as its subscriber).
	Config         string
	User, Password string
	// Port is Kamailio's UDP and TCP port (default 5060).
	Port int
	// NAT puts the agent behind a masquerading router instead of on the
	// host, and turns on the config's NAT handling.
	NAT bool
	// TLS adds a TLS listener on TLSPort (default Port+1) with a
	// certificate for CertName (default the PBX's IP) from a fresh CA.
	TLS      bool
	TLSPort  int
	CertName string
}

// Bed is a PBX on another host, a network namespace, and the way to it.
//
// Without NAT the PBX namespace hangs off the host by a veth: the test,
// Callhook in-process and agent-side sipp run on the host and reach the
// PBX at PBXAddr from HostIP. With NAT the agent namespace reaches it only
// through the router namespace's masquerade (PublicIP); run Callhook there
// with AgentCommand, sipp with StartAgent, a hook receiver with InNS.
// Remote parties (StartRemote) live in the PBX namespace on PBXIP in both.
type Bed struct {
	PBX *Kamailio
	// PBXNS is the PBX's namespace; PBXIP its address there.
	PBXNS string
	PBXIP string
	// PBXAddr is PBXIP:Port for UDP and TCP; TLSAddr PBXIP:TLSPort (empty
	// without TLS) and CAFile the PEM of the CA that signed its cert.
	PBXAddr string
	TLSAddr string
	CAFile  string
	// HostIP is the host's address on the link to the PBX (no NAT only).
	HostIP string
	// AgentNS is where the agent side runs: empty for the host without
	// NAT. AgentIP is its address (HostIP without NAT).
	AgentNS string
	AgentIP string
	// RouterNS is the NAT router's namespace; PublicIP the address the
	// PBX sees the agent at (the router's outside address, or HostIP).
	RouterNS string
	PublicIP string

	bin Binaries
}

// NewBed builds the namespaces, starts Kamailio in the PBX one and waits
// until it answers. Everything is torn down when the test ends. It skips
// like RequireNetns when the test may not build namespaces.
func NewBed(t testing.TB, bin Binaries, o BedOptions) *Bed {
	t.Helper()
	RequireNetns(t)
	if o.Port == 0 {
		o.Port = 5060
	}
	if o.TLSPort == 0 {
		o.TLSPort = o.Port + 1
	}
	b := &Bed{bin: bin, PBXNS: NewNetns(t, "pbx")}
	if o.NAT {
		b.buildNAT(t)
	} else {
		b.buildPlain(t)
	}
	b.PBXAddr = net.JoinHostPort(b.PBXIP, strconv.Itoa(o.Port))
	ko := KamailioOptions{NetNS: b.PBXNS, IP: b.PBXIP, Port: o.Port,
		Vars: map[string]any{"NAT": o.NAT, "TLS": o.TLS, "TLSPort": o.TLSPort}}
	if o.TLS {
		b.TLSAddr = net.JoinHostPort(b.PBXIP, strconv.Itoa(o.TLSPort))
		name := o.CertName
		if name == "" {
			name = b.PBXIP
		}
		ko.Setup = func(t testing.TB, dir string) map[string]any {
			files, err := MakeCerts(dir, name)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := writeKamailioTLS(dir, files)
			if err != nil {
				t.Fatal(err)
			}
			b.CAFile = files.CAFile
			return map[string]any{"TLSConfig": cfg}
		}
	}
	switch o.Config {
	case "", "proxy":
		b.PBX = StartKamailioWith(t, bin, filepath.Join(RepoRoot(t), "testdata", "kamailio", "proxy.cfg"), ko)
	case "dialog":
		b.PBX = StartDialogPBXWith(t, bin, o.User, o.Password, ko)
	default:
		t.Fatalf("new bed: unknown config %q (want proxy or dialog)", o.Config)
	}
	return b
}

// buildPlain links the PBX namespace to the host by a veth in a /30 of
// 10.231.0.0/16. The host-side name comes from the slot, so a slot
// another test binary holds fails to create and the next is tried.
func (b *Bed) buildPlain(t testing.TB) {
	t.Helper()
	base := slotBase()
	for i := range 64 {
		s := (base + i) % 16384
		dev := fmt.Sprintf("chk%04x", s)
		if err := Veth(t, "", dev, b.PBXNS, "eth0"); err != nil {
			if strings.Contains(err.Error(), "exists") {
				continue
			}
			t.Fatalf("link pbx to host: %v", err)
		}
		b.HostIP, b.PBXIP = linkAddr(s, 1), linkAddr(s, 2)
		AddrAdd(t, "", dev, b.HostIP+"/30")
		AddrAdd(t, b.PBXNS, "eth0", b.PBXIP+"/30")
		b.AgentIP, b.PublicIP = b.HostIP, b.HostIP
		return
	}
	t.Fatal("link pbx to host: no free slot in 10.231.0.0/16")
}

// buildNAT builds agent — router — PBX. Nothing touches the host, so the
// addresses cannot collide with anything; only the names are unique.
func (b *Bed) buildNAT(t testing.TB) {
	t.Helper()
	s := slotBase()
	b.AgentNS, b.RouterNS = NewNetns(t, "agent"), NewNetns(t, "rtr")
	lan := fmt.Sprintf("192.168.%d.", s%256)
	b.AgentIP, b.PublicIP, b.PBXIP = lan+"2", linkAddr(s, 1), linkAddr(s, 2)
	if err := Veth(t, b.AgentNS, "lan", b.RouterNS, "lan"); err != nil {
		t.Fatalf("link agent to router: %v", err)
	}
	if err := Veth(t, b.RouterNS, "wan", b.PBXNS, "eth0"); err != nil {
		t.Fatalf("link router to pbx: %v", err)
	}
	AddrAdd(t, b.AgentNS, "lan", b.AgentIP+"/24")
	AddrAdd(t, b.RouterNS, "lan", lan+"1/24")
	AddrAdd(t, b.RouterNS, "wan", b.PublicIP+"/30")
	AddrAdd(t, b.PBXNS, "eth0", b.PBXIP+"/30")
	// The PBX gets no route back to the LAN: only masqueraded packets
	// can be answered.
	RouteAdd(t, b.AgentNS, "default", lan+"1")
	rules := `table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}`
	cmd := exec.Command("ip", "netns", "exec", b.RouterNS, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("add masquerade: %v: %s", err, out)
	}
	// Conntrack exists once the nat rules load it; a UDP mapping then
	// lives 30 s without traffic, as on a stingy home router.
	mustRun(t, "ip", "netns", "exec", b.RouterNS, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1",
		"net.netfilter.nf_conntrack_udp_timeout=30", "net.netfilter.nf_conntrack_udp_timeout_stream=30")
}

// StartRemote starts sipp as a remote party in the PBX namespace on
// PBXIP; point it at PBXAddr to register or call.
func (b *Bed) StartRemote(t testing.TB, o SippOptions) *Sipp {
	t.Helper()
	o.NetNS, o.LocalIP = b.PBXNS, b.PBXIP
	return StartSipp(t, b.bin, o)
}

// StartAgent starts sipp on the agent side: in AgentNS behind the NAT,
// or on the host at HostIP.
func (b *Bed) StartAgent(t testing.TB, o SippOptions) *Sipp {
	t.Helper()
	o.NetNS, o.LocalIP = b.AgentNS, b.AgentIP
	return StartSipp(t, b.bin, o)
}

// AgentCommand runs name on the agent side (Callhook's binary, say).
func (b *Bed) AgentCommand(name string, args ...string) *exec.Cmd {
	return Command(b.AgentNS, name, args...)
}
