package filestat

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A rewrite of the same size with the same mtime (an editor's
// rename-over within one timestamp tick) is a change; the same content
// is not; a missing file is the zero Stat.
func TestOf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if st := Of(path); st.Exists() || st != (Stat{}) {
		t.Fatalf("a missing file: %+v", st)
	}
	write := func(s string, at time.Time) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Unix(1_700_000_000, 0)
	write(`{"a": 1}`, at)
	first := Of(path)
	if !first.Exists() {
		t.Fatal("an existing file does not exist")
	}
	write(`{"a": 1}`, at)
	if Of(path) != first {
		t.Error("the same content, size and mtime counted as a change")
	}
	write(`{"a": 2}`, at)
	if Of(path) == first {
		t.Error("a same-size rewrite within one timestamp tick went unnoticed")
	}
}
