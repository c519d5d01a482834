package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// presetForm is "New from preset": pick a CRM preset, fill in its few
// parameters, and an ordinary hook is added and opened in the editor.
type presetForm struct {
	h       *hooksTab
	content fyne.CanvasObject
	pick    *widget.Select
	note    *widget.Label
	form    *widget.Form
	entries map[string]*dialogEntry
	names   map[string]string // select label -> preset name
	preset  string
}

func newPresetForm(h *hooksTab) *presetForm {
	l := h.u.l
	f := &presetForm{h: h, names: map[string]string{}, entries: map[string]*dialogEntry{}}
	var options []string
	for _, p := range hooks.Presets() {
		if !p.Available {
			continue
		}
		label := p.Vendor + ": " + presetAction(l, p.Action)
		options = append(options, label)
		f.names[label] = p.Name
	}
	f.note = widget.NewLabel("")
	f.note.Wrapping = fyne.TextWrapWord
	f.form = widget.NewForm()
	f.pick = widget.NewSelect(options, func(label string) { f.choose(f.names[label]) })
	f.pick.PlaceHolder = l.T("Choose a preset")
	hint := widget.NewLabel(l.T("CRMs that document no usable URL are listed, with the reason, by: callhook hooks presets"))
	hint.Wrapping = fyne.TextWrapWord
	f.content = container.NewVBox(f.pick, f.note, f.form, hint)
	return f
}

func presetAction(l tr, a string) string {
	switch a {
	case hooks.PresetOpen:
		return l.T("open the contact")
	case hooks.PresetLog:
		return l.T("log the call")
	}
	return a
}

// choose shows the preset's note, source and parameter fields.
func (f *presetForm) choose(name string) {
	l := f.h.u.l
	p, ok := hooks.LookupPreset(name)
	if !ok {
		return
	}
	f.preset = name
	f.note.SetText(l.Msg(p.Note) + "\n" + l.Tf("Source: %s", p.Source))
	f.entries = map[string]*dialogEntry{}
	f.form.Items = nil
	for _, pp := range p.ParamInfo() {
		e := newDialogEntry(f.h.u)
		e.SetText(pp.Default)
		e.SetPlaceHolder(l.Msg(pp.Help))
		f.entries[pp.Name] = e
		f.form.Append(pp.Name, e)
	}
	f.form.Refresh()
}

// create adds the hook the chosen preset makes, saves, and opens it.
func (f *presetForm) create() error {
	params := map[string]string{}
	for k, e := range f.entries {
		params[k] = e.Text
	}
	hk, err := hooks.FromPreset(f.preset, params)
	if err != nil {
		return err
	}
	cfg := f.h.u.cfg.Clone()
	// The policy's managed hooks hold their ids too.
	hk.ID = f.h.u.policy().Apply(cfg).UniqueHookID(hk.ID)
	cfg.Hooks = append(cfg.Hooks, hk)
	if err := f.h.u.commit(cfg); err != nil {
		return err
	}
	f.h.refresh()
	f.h.edit(hk.ID)
	return nil
}

// fromPreset opens the "New from preset" dialog.
func (h *hooksTab) fromPreset() {
	l := h.u.l
	f := newPresetForm(h)
	d := dialog.NewCustomConfirm(l.T("New from preset"), l.T("Add hook"), l.T("Cancel"), f.content, func(ok bool) {
		if !ok {
			return
		}
		if err := f.create(); err != nil {
			h.u.banner.show(bannerError, l.Tf("Could not add the preset: %v", err), "", nil)
		}
	}, h.u.win)
	d.Resize(fyne.NewSize(560, 420))
	h.u.showDialog(d)
}
