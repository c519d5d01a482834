package control

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// On Windows the control API listens on loopback TCP, not on an AF_UNIX
// socket: Windows has those only since 10 version 1803, and Wine not at
// all. The file at the socket path then holds the address and a random
// token ("tcp 127.0.0.1:PORT TOKEN"); it lives in the user's profile
// (the data directory or %TEMP%), whose ACL keeps other users out, and
// every request must carry the token, since any local user can connect
// to a loopback port.

// tcpListener is the loopback listener with its token; Close removes the
// address file while it is still this listener's.
type tcpListener struct {
	net.Listener
	path, token string
}

func (l *tcpListener) Token() string { return l.token }

func (l *tcpListener) Close() error {
	err := l.Listener.Close()
	if b, rerr := os.ReadFile(l.path); rerr == nil && strings.Contains(string(b), l.token) {
		os.Remove(l.path)
	}
	return err
}

func listen(path string) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		ln.Close()
		return nil, err
	}
	tok := hex.EncodeToString(b)
	// Written whole, then renamed over a file left by an agent that
	// died: a client never reads half of it.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".control-*")
	if err == nil {
		_, err = fmt.Fprintf(tmp, "tcp %s %s\n", ln.Addr(), tok)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	return &tcpListener{Listener: ln, path: path, token: tok}, nil
}

// readAddr reads the address file: the agent's address and token.
func readAddr(path string) (addr, tok string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	f := strings.Fields(string(b))
	if len(f) != 3 || f[0] != "tcp" {
		return "", "", fmt.Errorf("%s is not a Callhook control address file", path)
	}
	return f[1], f[2], nil
}

func dialAgent(ctx context.Context, path string) (net.Conn, error) {
	addr, _, err := readAddr(path)
	if err != nil {
		// Dial-shaped, so that a missing file reads as "no agent".
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: err}
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

func token(path string) string {
	_, tok, err := readAddr(path)
	if err != nil {
		return ""
	}
	return tok
}

func checkOwner(string) error { return nil }

// wsaECONNREFUSED is what connect returns when nothing listens.
const wsaECONNREFUSED = syscall.Errno(10061)

func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, wsaECONNREFUSED)
}
