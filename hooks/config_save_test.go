package hooks_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/callhook/callhook/hooks"
)

func TestSaveRoundTrip(t *testing.T) {
	c := loadValid(t)
	c.Hooks[0].URL += "&x=<y>"
	path := filepath.Join(t.TempDir(), "sub", "dir", "config.json")
	if err := hooks.Save(path, c); err != nil {
		t.Fatal(err)
	}
	back, err := hooks.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, back) {
		t.Errorf("round trip changed the config:\n%+v\n%+v", c, back)
	}
	// Saving what was loaded writes the same bytes: stable for diffs.
	first, _ := os.ReadFile(path)
	if err := hooks.Save(path, back); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if !bytes.Equal(first, second) {
		t.Error("second save differs")
	}
	if !bytes.Contains(first, []byte(`"url": "https://crm.example.com/search?phone={remote|e164}&x=<y>"`)) {
		t.Errorf("url not written as typed:\n%s", first)
	}
	if !bytes.Contains(first, []byte(`"timeout": "10s"`)) {
		t.Errorf("timeout not written as a duration string:\n%s", first)
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "callhook")
	path := filepath.Join(dir, "config.json")
	if err := hooks.Save(path, hooks.Default()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		c := loadValid(t)
		c.User = fmt.Sprint("user", i)
		if err := hooks.Save(path, c); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "config.json" {
		t.Errorf("directory holds %v, want only config.json", entries)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", fi.Mode().Perm())
	}

	// An invalid config is refused and the file on disk is untouched.
	before, _ := os.ReadFile(path)
	bad := loadValid(t)
	bad.Hooks[0].URL = "https://{caller}/"
	err = hooks.Save(path, bad)
	var ve *hooks.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Save(invalid) = %v, want *ValidationError", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("invalid save changed the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

// TestSaveUnwritableDir puts a file where the directory should be: that
// fails even for root, unlike permission bits.
func TestSaveUnwritableDir(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hooks.Save(filepath.Join(blocker, "config.json"), hooks.Default()); err == nil {
		t.Error("Save under a regular file succeeded")
	}
}
