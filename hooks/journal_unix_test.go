//go:build unix

package hooks

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/callhook/callhook/call"
)

// The journal holds call records and webhook responses: it and its -wal
// and -shm files are the user's alone, whatever the directory's mode and
// the umask.
func TestJournalFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"new journal in an open directory", func(t *testing.T, dir string) {}},
		{"journal an older Callhook left 0644", func(t *testing.T, dir string) {
			j := openJournal(t, dir)
			j.Close()
			for _, f := range []string{JournalFile, JournalFile + "-wal", JournalFile + "-shm"} {
				p := filepath.Join(dir, f)
				if err := os.WriteFile(p, nil, 0o644); err != nil && f != JournalFile {
					t.Fatal(err)
				}
				os.Chmod(p, 0o644)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dir)
			j := openJournal(t, dir)
			// Write something, so that the -wal and -shm files exist.
			d := NewDispatcher(j, testConfig(), WithLogger(discardLogger()))
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			d.Handle(event(testCall("perm-1"), call.IncomingRing))
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{JournalFile, JournalFile + "-wal", JournalFile + "-shm"} {
				fi, err := os.Stat(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if m := fi.Mode().Perm(); m != 0o600 {
					t.Errorf("%s has mode %#o, want 0600", f, m)
				}
			}
		})
	}
}
