package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// openSaveDialog presses Export CSV with the real save dialog, which
// opens in dir, and returns the dialog's file name field.
func openSaveDialog(t *testing.T, h *harness, dir string) *saveNameEntry {
	t.Helper()
	c := h.u.calls
	c.saveDir = dir
	test.Tap(c.exportBtn)
	return saveName(t, h)
}

func saveName(t *testing.T, h *harness) *saveNameEntry {
	t.Helper()
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Export CSV opened no dialog")
	}
	var name *saveNameEntry
	visit(top, func(o fyne.CanvasObject) {
		if e, ok := o.(*saveNameEntry); ok {
			name = e
		}
	})
	if name == nil {
		t.Fatal("the save dialog has no file name field")
	}
	return name
}

// The save dialog speaks the window's language: German in a German
// window, English in an English one, and again after the language
// changed at run time (fyne's own file dialog keeps the system's).
func TestSaveDialogSpeaksTheWindowsLanguage(t *testing.T) {
	cfg := sampleConfig()
	cfg.UI.Language = langGerman
	h, _ := historyHarness(t, cfg, sampleHistory())
	openSaveDialog(t, h, t.TempDir())
	text := labels(h.u.win.Canvas().Overlays().Top())
	buttons := keys(dialogButtons(t, h.u.win.Canvas()))
	for _, want := range []string{"Verlauf als CSV exportieren", "Ordner:", "Dateiname"} {
		if !strings.Contains(text, want) {
			t.Errorf("the German save dialog lacks %q:\n%s", want, text)
		}
	}
	for _, en := range []string{"Save File", "Enter filename", "Show Hidden Files", "Folder:", "File name"} {
		if strings.Contains(text, en) {
			t.Errorf("the German save dialog says %q:\n%s", en, text)
		}
	}
	if !strings.Contains(strings.Join(buttons, " "), "Speichern") || !strings.Contains(strings.Join(buttons, " "), "Abbrechen") {
		t.Errorf("buttons %v, want Speichern and Abbrechen", buttons)
	}
	pressKey(h.u.win.Canvas(), fyne.KeyEscape)

	h.u.setLanguage(langEnglish)
	h.u.tabs.SelectIndex(1)
	h.settle()
	openSaveDialog(t, h, t.TempDir())
	if text := labels(h.u.win.Canvas().Overlays().Top()); !strings.Contains(text, "Export the history as CSV") || !strings.Contains(text, "File name") {
		t.Errorf("the save dialog after switching to English:\n%s", text)
	}
}

// The dialog opens in the folder given with the suggested name focused;
// Enter in the name writes the file there, readable by the user only,
// and the next export opens in that folder. A subfolder is entered from
// the list; a file that exists is replaced only after a question.
func TestSaveDialogWritesTheFile(t *testing.T) {
	h, _ := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	dir := t.TempDir()
	sub := filepath.Join(dir, "exports")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	name := openSaveDialog(t, h, dir)
	cv := h.u.win.Canvas()
	if cv.Focused() != name {
		t.Errorf("focus on %T, want the file name", cv.Focused())
	}
	if !strings.HasPrefix(name.Text, "callhook-history-") || !strings.HasSuffix(name.Text, ".csv") {
		t.Errorf("suggested name %q", name.Text)
	}
	var list *widget.List
	visit(cv.Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	})
	list.Select(0) // exports
	name.SetText("out")
	pressKey(cv, fyne.KeyReturn)
	h.settle()
	path := filepath.Join(sub, "out.csv")
	if got := readCSV(t, path); len(got) < 2 || !slicesEqual(got[0], csvHeader) {
		t.Errorf("export %q", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if cv.Overlays().Top() != nil {
		t.Error("the save dialog is still open")
	}
	if !strings.Contains(c.status.Text, path) {
		t.Errorf("status %q", c.status.Text)
	}

	// Again: it opens in exports, and asks before it replaces out.csv.
	if err := os.WriteFile(path, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(c.exportBtn)
	name = saveName(t, h)
	name.SetText("out.csv")
	pressKey(cv, fyne.KeyReturn)
	bs := dialogButtons(t, cv)
	if bs["Replace"] == nil {
		t.Fatalf("no question before replacing; buttons %v", keys(bs))
	}
	pressKey(cv, fyne.KeyReturn) // Cancel has the focus
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Errorf("the file was replaced after Cancel: %q", b)
	}
	pressKey(cv, fyne.KeyReturn) // the name again: asks again
	test.Tap(dialogButtons(t, cv)["Replace"])
	h.settle()
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "call_id,") {
		t.Errorf("the file after Replace: %q", b)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// pressSpace delivers Space as fyne's desktop driver does: down, the key,
// the character it types, up, each to what has the focus at that moment.
func pressSpace(c fyne.Canvas) {
	ev := &fyne.KeyEvent{Name: fyne.KeySpace}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
	}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	}
	if f := c.Focused(); f != nil {
		f.TypedRune(' ')
	}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyUp(ev)
	}
}

// Space on the focused Export CSV opens the save dialog without typing a
// blank into its file name.
func TestSpaceOnExportTypesNoBlank(t *testing.T) {
	h, _ := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	c.saveDir = t.TempDir()
	cv := h.u.win.Canvas()
	cv.Focus(c.exportBtn)
	pressSpace(cv)
	name := saveName(t, h)
	if !strings.HasPrefix(name.Text, "callhook-history-") {
		t.Errorf("file name %q after Space on Export CSV, want the suggestion as it was", name.Text)
	}
	if cv.Focused() != name {
		t.Errorf("focus on %T, want the file name", cv.Focused())
	}
}
