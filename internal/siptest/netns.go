//go:build linux

package siptest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// netnsDir is where `ip netns add` mounts the namespaces it names.
const netnsDir = "/var/run/netns"

// ErrNetns reports a network namespace that cannot be entered.
var ErrNetns = errors.New("network namespace unavailable")

// RequireNetns checks that the test may build namespaces: it runs as root
// and finds ip and nft. Otherwise, and under -short, it ends the test as
// RequireReal does.
func RequireNetns(t testing.TB) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, name := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(name); err != nil {
			missing = append(missing, name)
		}
	}
	msg := ""
	if len(missing) > 0 {
		msg = "network-namespace test bed needs: " + joinComma(missing) +
			" (run as root with iproute2 and nftables)"
	}
	RequireReal(t, msg)
}

// InNS runs fn on a goroutine of its own that entered network namespace
// ns (the host's when ns is empty) and waits for it. Sockets fn opens stay
// in ns for their whole life, whichever goroutine uses them later. The
// thread is never unlocked, so the runtime retires it rather than hand a
// thread in the wrong namespace to other goroutines; it still switches
// back afterwards, since the runtime parks instead of retiring the main
// thread, whose namespace is the process's in `ip netns pids`.
func InNS(ns string, fn func() error) error {
	if ns == "" {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- fmt.Errorf("open own netns: %w", err)
			return
		}
		defer home.Close()
		f, err := os.Open(filepath.Join(netnsDir, ns))
		if err != nil {
			errc <- fmt.Errorf("open netns %s: %w", ns, err)
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("enter netns %s: %w: %w", ns, ErrNetns, err)
			return
		}
		err = fn()
		unix.Setns(int(home.Fd()), unix.CLONE_NEWNET)
		errc <- err
	}()
	return <-errc
}

// Command returns a command that runs name in network namespace ns
// through `ip netns exec`, which execs name: the process's pid is
// name's own. An empty ns runs name on the host.
func Command(ns, name string, args ...string) *exec.Cmd {
	if ns == "" {
		return exec.Command(name, args...)
	}
	return exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
}

var (
	nsMu  sync.Mutex
	nsSeq int
)

// nextID returns a number unique in this process, for names.
func nextID() int {
	nsMu.Lock()
	defer nsMu.Unlock()
	nsSeq++
	return nsSeq
}

// run runs a command and returns its output in the error.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("run %s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// mustRun runs a command or fails the test.
func mustRun(t testing.TB, name string, args ...string) {
	t.Helper()
	if err := run(name, args...); err != nil {
		t.Fatal(err)
	}
}

// NewNetns creates a network namespace named chk-<pid>-<n>-<role> with lo
// up, and deletes it when the test ends. Processes still inside are
// killed first: they are the test's own, and a namespace that a process
// holds outlives its name, veths and all.
func NewNetns(t testing.TB, role string) string {
	t.Helper()
	sweepOnce.Do(sweepNetns)
	ns := fmt.Sprintf("chk-%d-%d-%s", os.Getpid(), nextID(), role)
	// The first `ip netns add` makes /run/netns a shared mount; parallel
	// tests racing to do so can fail, so they take turns.
	addMu.Lock()
	err := run("ip", "netns", "add", ns)
	addMu.Unlock()
	if err != nil {
		t.Fatalf("add netns: %v", err)
	}
	t.Cleanup(func() { deleteNetns(t, ns) })
	mustRun(t, "ip", "-n", ns, "link", "set", "lo", "up")
	return ns
}

var (
	sweepOnce sync.Once
	addMu     sync.Mutex
)

// sweepNetns deletes the namespaces of test binaries that died before
// their cleanup ran (killed by go test's -timeout, say): named by
// NewNetns after a pid that no longer runs. Their veths go with them.
func sweepNetns() {
	entries, err := os.ReadDir(netnsDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "chk-%d-", &pid); err != nil || pid <= 1 {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			continue
		}
		killNetnsPids(e.Name())
		run("ip", "netns", "del", e.Name())
	}
}

// killNetnsPids kills the processes in ns but this one.
func killNetnsPids(ns string) {
	for _, pid := range NetnsPids(ns) {
		if pid > 1 && pid != os.Getpid() {
			unix.Kill(pid, unix.SIGKILL)
		}
	}
}

// NetnsPids lists the processes in ns (ip netns pids).
func NetnsPids(ns string) []int {
	out, _ := exec.Command("ip", "netns", "pids", ns).Output()
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

func deleteNetns(t testing.TB, ns string) {
	killNetnsPids(ns)
	if err := run("ip", "netns", "del", ns); err != nil {
		t.Errorf("delete netns: %v", err)
	}
}

// Veth connects namespace a (the host when empty) to namespace b with a
// veth pair named nameA in a and nameB in b, both up. A host-side name
// must be unique on the host; the pair goes with its namespace, and the
// host side is deleted when the test ends in case it was left behind.
func Veth(t testing.TB, a, nameA, b, nameB string) error {
	t.Helper()
	args := []string{"link", "add", nameA}
	if a != "" {
		args = append(args, "netns", a)
	}
	args = append(args, "type", "veth", "peer", "name", nameB, "netns", b)
	if err := run("ip", args...); err != nil {
		return err
	}
	if a == "" {
		t.Cleanup(func() {
			if _, err := os.Stat(filepath.Join("/sys/class/net", nameA)); err == nil {
				run("ip", "link", "del", nameA)
			}
		})
	}
	mustRun(t, "ip", nsArgs(a, "link", "set", nameA, "up")...)
	mustRun(t, "ip", nsArgs(b, "link", "set", nameB, "up")...)
	return nil
}

// AddrAdd puts cidr (10.231.0.2/30, say) on dev in ns.
func AddrAdd(t testing.TB, ns, dev, cidr string) {
	t.Helper()
	mustRun(t, "ip", nsArgs(ns, "addr", "add", cidr, "dev", dev)...)
}

// RouteAdd adds a route in ns: dst ("default" or a prefix) via gw.
func RouteAdd(t testing.TB, ns, dst, gw string) {
	t.Helper()
	mustRun(t, "ip", nsArgs(ns, "route", "add", dst, "via", gw)...)
}

func nsArgs(ns string, args ...string) []string {
	if ns == "" {
		return args
	}
	return append([]string{"-n", ns}, args...)
}

// slotBase is where a bed starts looking for a free slot: a number in
// [0, 16384) that names a /30 of 10.231.0.0/16, the LAN 192.168.(s%256).0/24
// and the host-side veth. Test binaries run in parallel, so it mixes in
// the pid; a slot another process took shows as an existing veth name.
func slotBase() int {
	return (os.Getpid()*131 + nextID()*7) % 16384
}

// linkAddr returns 10.231.x.y for slot s and host number h (1 or 2).
func linkAddr(s, h int) string {
	n := s * 4
	return fmt.Sprintf("10.231.%d.%d", n/256, n%256+h)
}
