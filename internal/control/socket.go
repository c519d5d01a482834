package control

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// SocketName is the control socket in the data directory.
const SocketName = "control.sock"

// maxDirectPath is the longest socket path kept in the data directory:
// sun_path holds 108 bytes on Linux and 104 on macOS, with the NUL.
const maxDirectPath = 100

// maxSocketPath is the longest path bind and connect take everywhere.
const maxSocketPath = 103

// ErrNoAgent says that no agent listens on the socket.
var ErrNoAgent = errors.New("callhook is not running")

// SocketPath returns the control socket of the agent (or `callhook run`)
// on dataDir: <dataDir>/control.sock, or, when that path is too long for
// a socket address, a name derived from dataDir in $XDG_RUNTIME_DIR (else
// the temporary directory). The agent and its clients compute the same.
func SocketPath(dataDir string) string {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	if p := filepath.Join(dataDir, SocketName); len(p) <= maxDirectPath {
		return p
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(dir, fmt.Sprintf("callhook-%d-%s.sock", os.Getuid(), hex.EncodeToString(sum[:8])))
}

// Listen listens on the socket at path, replacing a socket file left
// there: the caller holds the data directory's instance lock, so no other
// agent serves it. On Unix the socket has mode 0600 from the moment it
// appears at path. Closing the listener removes the file.
func Listen(path string) (net.Listener, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("control socket %s: path is %d bytes, at most %d fit in a socket address: use a shorter data directory or set XDG_RUNTIME_DIR", path, len(path), maxSocketPath)
	}
	ln, err := listen(path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// isNoAgent reports whether err is a failed connect to a socket that is
// missing or that nothing listens on.
func isNoAgent(err error) bool {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return false
	}
	return errors.Is(err, os.ErrNotExist) || refused(err)
}
