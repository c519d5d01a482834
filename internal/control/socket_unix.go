//go:build unix

package control

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// listen binds the socket inside a fresh directory of mode 0700, sets its
// mode and renames it into place. A umask would do too, but the umask is
// the process's: a file created meanwhile by another goroutine would get
// it.
func listen(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().Type() != fs.ModeSocket {
		return nil, errors.New("a file that is not a socket is in the way: move it away")
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".c")
	if err != nil {
		return nil, fmt.Errorf("create socket: %w (the directory must exist and be writable)", err)
	}
	defer os.RemoveAll(tmp)
	// A short name: the temporary path must fit a socket address too.
	bound := filepath.Join(tmp, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: bound, Net: "unix"})
	if err != nil {
		return nil, err
	}
	// The file moves: Close removes it at path, not where it was bound.
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(bound, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("set socket mode: %w", err)
	}
	// Rename replaces a stale socket in one step.
	if err := os.Rename(bound, path); err != nil {
		ln.Close()
		return nil, fmt.Errorf("move socket into place: %w (remove the old file)", err)
	}
	fi, err := os.Lstat(path)
	if err == nil && (fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600) {
		err = fmt.Errorf("socket has mode %v, want 0600", fi.Mode())
	}
	if err != nil {
		ln.Close()
		os.Remove(path)
		return nil, err
	}
	return &listener{UnixListener: ln, path: path, fi: fi}, nil
}

// listener removes its socket file when it closes, unless another has
// replaced it.
type listener struct {
	*net.UnixListener
	path string
	fi   fs.FileInfo
	once sync.Once
}

func (l *listener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() {
		if fi, err := os.Lstat(l.path); err == nil && os.SameFile(fi, l.fi) {
			os.Remove(l.path)
		}
	})
	return err
}

// checkOwner refuses a socket another user made: in a shared temporary
// directory, theirs could stand where the agent's should be and would
// receive what a client sends, secrets included.
func checkOwner(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		// Connect reports it, as ErrNoAgent when the file is missing.
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("control socket %s belongs to uid %d, not to you (uid %d): remove it", path, st.Uid, uid)
	}
	return nil
}

func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// dialAgent dials the agent's socket, once it is sure the socket is ours.
func dialAgent(ctx context.Context, path string) (net.Conn, error) {
	if err := checkOwner(path); err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

// token: a Unix socket needs none, its mode keeps others out.
func token(string) string { return "" }
