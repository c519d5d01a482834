package ui

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// saveDialog asks where the export goes: a folder, reached from the one
// it opens in by its subfolders and the parent folder, and a file name.
// It is Callhook's own rather than fyne's file dialog, which speaks the
// system's language (fyne chooses it once, from the locale, with no way
// to change it at run time) and has English of its own beyond that
// ("Home", "Overwrite?"); this one speaks the window's.
type saveDialog struct {
	u    *UI
	dir  string
	save func(w io.WriteCloser, where string)
	// done learns the folder of a file written, where the next export
	// starts.
	done func(dir string)

	d       *dialog.CustomDialog
	folder  *widget.Label
	subdirs []string
	list    *widget.List
	name    *saveNameEntry
	problem *widget.Label
}

// saveNameEntry is the file name: Enter saves, Escape cancels.
type saveNameEntry struct {
	dialogEntry
	s *saveDialog
}

// TypedKey saves on Enter.
func (e *saveNameEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		e.s.submit()
		return
	}
	e.dialogEntry.TypedKey(ev)
}

// chooseFileDialog asks for the export's file in a save dialog that
// opens in the folder of the last export, or the home folder.
func (c *callsTab) chooseFileDialog(name string, save func(w io.WriteCloser, where string)) {
	dir := c.saveDir
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = home
		}
	}
	s := &saveDialog{u: c.u, dir: dir, save: save, done: func(d string) { c.saveDir = d }}
	s.show(name)
}

func (s *saveDialog) show(name string) {
	l := s.u.l
	s.folder = widget.NewLabel("")
	s.folder.Truncation = fyne.TextTruncateEllipsis
	up := widget.NewButtonWithIcon(l.T("Parent folder"), theme.MoveUpIcon(), func() { s.open(filepath.Dir(s.dir)) })
	s.list = widget.NewList(func() int { return len(s.subdirs) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.FolderIcon()), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[1].(*widget.Label).SetText(s.subdirs[i])
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		s.list.UnselectAll()
		if i < len(s.subdirs) {
			s.open(filepath.Join(s.dir, s.subdirs[i]))
		}
	}
	s.name = &saveNameEntry{s: s}
	s.name.u = s.u
	s.name.ExtendBaseWidget(s.name)
	s.name.SetText(name)
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Hide()
	top := container.NewBorder(nil, nil, widget.NewLabel(l.T("Folder:")), up, s.folder)
	bottom := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(l.T("File name")), nil, s.name), s.problem)
	content := container.NewBorder(top, bottom, nil, nil, s.list)
	s.d = dialog.NewCustomWithoutButtons(l.T("Export the history as CSV"), content, s.u.win)
	cancel := newDialogButton(l.T("Cancel"), theme.CancelIcon(), s.d.Hide, s.d.Hide)
	saveBtn := newDialogButton(l.T("Save"), theme.DocumentSaveIcon(), s.submit, s.d.Hide)
	saveBtn.Importance = widget.HighImportance
	s.d.SetButtons([]fyne.CanvasObject{cancel, saveBtn})
	s.open(s.dir)
	s.d.Resize(fyne.NewSize(min(640, s.u.win.Canvas().Size().Width*questionWindowShare), 440))
	s.u.showDialog(s.d)
	s.u.win.Canvas().Focus(s.name)
}

// open shows the folder dir and its subfolders; a folder that cannot be
// read says so and shows none.
func (s *saveDialog) open(dir string) {
	s.dir = dir
	s.folder.SetText(dir)
	s.subdirs = nil
	entries, err := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			s.subdirs = append(s.subdirs, e.Name())
		}
	}
	slices.SortFunc(s.subdirs, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	s.list.Refresh()
	s.list.ScrollToTop()
	if err != nil {
		s.showProblem(s.u.l.Tf("Cannot read the folder: %v", err))
	} else {
		s.showProblem("")
	}
}

func (s *saveDialog) showProblem(msg string) {
	s.problem.SetText(msg)
	s.problem.Hidden = msg == ""
	s.problem.Refresh()
}

// submit saves to the name in the folder shown, after asking before it
// replaces a file.
func (s *saveDialog) submit() {
	l := s.u.l
	name := strings.TrimSpace(s.name.Text)
	switch {
	case name == "":
		s.showProblem(l.T("Enter a file name."))
		return
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		s.showProblem(l.T("Enter a file name without a folder: choose the folder above."))
		return
	}
	if filepath.Ext(name) == "" {
		name += ".csv"
	}
	path := filepath.Join(s.dir, name)
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		s.showProblem(l.Tf("%s is a folder: enter another name.", name))
	case err == nil:
		s.confirmReplace(name, func() { s.write(path) })
	case errors.Is(err, fs.ErrNotExist):
		s.write(path)
	default:
		s.showProblem(l.Tf("Cannot save there: %v", err))
	}
}

// confirmReplace asks before an existing file is replaced; keeping it is
// the default.
func (s *saveDialog) confirmReplace(name string, yes func()) {
	l := s.u.l
	text := &widget.Label{Text: l.Tf("%s exists already. Replace it?", name), Wrapping: fyne.TextWrapWord}
	q := dialog.NewCustomWithoutButtons(l.T("Replace the file?"), text, s.u.win)
	keep := newDialogButton(l.T("Cancel"), theme.CancelIcon(), q.Hide, q.Hide)
	replace := newDialogButton(l.T("Replace"), theme.ConfirmIcon(), func() {
		q.Hide()
		yes()
	}, q.Hide)
	replace.Importance = widget.DangerImportance
	q.SetButtons([]fyne.CanvasObject{keep, replace})
	q.Resize(fyne.NewSize(questionMaxWidth, q.MinSize().Height))
	s.u.showDialog(q)
	s.u.win.Canvas().Focus(keep)
}

// write creates the file, readable by the user only (the history holds
// callers' numbers and names), closes the dialog and hands the file on.
func (s *saveDialog) write(path string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		// A file replaced keeps its mode on open: make it the user's
		// only. Best effort: it is truncated already, and one the user
		// does not own (a shared folder) is still better written.
		_ = f.Chmod(0o600)
	}
	if err != nil {
		s.showProblem(s.u.l.Tf("Cannot save there: %v", err))
		return
	}
	s.d.Hide()
	s.done(filepath.Dir(path))
	s.save(f, path)
}
