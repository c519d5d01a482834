package control

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestListenMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("AF_UNIX sockets on Windows have no mode bits")
	}
	path := filepath.Join(t.TempDir(), SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want a socket of mode 0600", fi.Mode())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the socket only", len(entries))
	}
	ln.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket file left after Close: %v", err)
	}
}

func TestListenReplacesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), SocketName)
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	ln, err := Listen(path)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	defer ln.Close()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatalf("dial the new socket: %v", err)
	}
	conn.Close()
}

func TestListenRefusesNonSocket(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows replaces whatever is there")
	}
	path := filepath.Join(t.TempDir(), SocketName)
	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(path)
	if err == nil {
		ln.Close()
		t.Fatal("Listen replaced a regular file")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("%q does not name the path", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Error("the file was changed")
	}
}

func TestSocketPath(t *testing.T) {
	runtimeDir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	short := t.TempDir()
	if got, want := SocketPath(short), filepath.Join(short, SocketName); len(want) <= maxDirectPath && got != want {
		t.Errorf("short data dir: got %s, want %s", got, want)
	}

	long := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	if len(long) <= 100 {
		t.Fatal("the long data dir is not long")
	}
	got := SocketPath(long)
	if len(got) > maxDirectPath {
		t.Errorf("%s is %d bytes, want at most %d", got, len(got), maxDirectPath)
	}
	if filepath.Dir(got) != runtimeDir {
		t.Errorf("%s is not in XDG_RUNTIME_DIR %s", got, runtimeDir)
	}
	if again := SocketPath(long); again != got {
		t.Errorf("not stable: %s, then %s", got, again)
	}
	if other := SocketPath(long + "x"); other == got {
		t.Errorf("another data dir has the same socket %s", got)
	}

	// A socket there works, for all its long data directory.
	ln, err := Listen(got)
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}

func TestListenPathTooLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), strings.Repeat("s", 120)+".sock")
	ln, err := Listen(path)
	if err == nil {
		ln.Close()
		t.Fatal("Listen took a path too long for a socket address")
	}
	if !strings.Contains(err.Error(), "XDG_RUNTIME_DIR") {
		t.Errorf("%q does not say what to do", err)
	}
}
