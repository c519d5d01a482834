package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// Replacing a file others can read leaves the export readable by the
// user only, as a new one is: the history holds callers' numbers and
// names, and opening an existing file keeps its mode.
func TestSaveDialogReplacedFileIsPrivate(t *testing.T) {
	h, _ := historyHarness(t, sampleConfig(), sampleHistory())
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	name := openSaveDialog(t, h, dir)
	name.SetText("out.csv")
	cv := h.u.win.Canvas()
	pressKey(cv, fyne.KeyReturn)
	replace := dialogButtons(t, cv)["Replace"]
	if replace == nil {
		t.Fatal("no question before replacing")
	}
	replace.Tapped(nil)
	h.settle()
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "call_id,") {
		t.Fatalf("the file after Replace: %q", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced export mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}
