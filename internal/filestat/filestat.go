// Package filestat tells whether a file changed since it was last looked
// at, for the config watches of the agent and the window.
package filestat

import (
	"crypto/sha256"
	"os"
)

// Stat is what a watch compares: size and nanosecond mtime, and a hash
// of the content, since an editor's rename-over of a file of the same
// size within one timestamp tick changes neither. The files watched are
// small; reading one every few seconds costs nothing measurable. The
// zero Stat is a file that is not there.
type Stat struct {
	ok      bool
	size    int64
	modNano int64
	sum     [sha256.Size]byte
}

// Of returns path's Stat now.
func Of(path string) Stat {
	fi, err := os.Stat(path)
	if err != nil {
		return Stat{}
	}
	st := Stat{ok: true, size: fi.Size(), modNano: fi.ModTime().UnixNano()}
	if b, err := os.ReadFile(path); err == nil {
		st.sum = sha256.Sum256(b)
	}
	return st
}

// Exists reports whether the file was there.
func (s Stat) Exists() bool { return s.ok }
