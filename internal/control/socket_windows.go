package control

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"
)

// listen replaces a stale socket file and listens. AF_UNIX sockets on
// Windows have no mode bits: the file's ACL, inherited from its directory
// in the user's profile (the data directory or %TEMP%), keeps others out.
func listen(path string) (net.Listener, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return net.Listen("unix", path)
}

func checkOwner(string) error { return nil }

// wsaECONNREFUSED is what connect returns when nothing listens.
const wsaECONNREFUSED = syscall.Errno(10061)

func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, wsaECONNREFUSED)
}
