package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

type bannerKind int

const (
	bannerInfo bannerKind = iota
	bannerWarning
	bannerError
)

// banner is the one-line message bar above the tabs, for what concerns
// the whole app: save failures, the config file changing on disk.
type banner struct {
	content *fyne.Container
	icon    *widget.Icon
	text    *widget.Label
	action  *widget.Button
}

func newBanner(u *UI) *banner {
	b := &banner{
		icon:   widget.NewIcon(theme.InfoIcon()),
		text:   widget.NewLabel(""),
		action: widget.NewButton("", nil),
	}
	b.text.Wrapping = fyne.TextWrapWord
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), b.hide)
	closeBtn.Importance = widget.LowImportance
	b.content = container.NewBorder(nil, widget.NewSeparator(), b.icon,
		container.NewHBox(b.action, closeBtn), b.text)
	b.content.Hide()
	return b
}

// show displays msg; with a label, a button runs do and closes the bar.
func (b *banner) show(kind bannerKind, msg, label string, do func()) {
	switch kind {
	case bannerError:
		b.icon.SetResource(theme.ErrorIcon())
		b.text.Importance = widget.DangerImportance
	case bannerWarning:
		b.icon.SetResource(theme.WarningIcon())
		b.text.Importance = widget.WarningImportance
	default:
		b.icon.SetResource(theme.InfoIcon())
		b.text.Importance = widget.MediumImportance
	}
	b.text.SetText(msg)
	b.action.SetText(label)
	b.action.OnTapped = func() {
		b.hide()
		if do != nil {
			do()
		}
	}
	if label == "" {
		b.action.Hide()
	} else {
		b.action.Show()
	}
	b.content.Show()
}

func (b *banner) hide() { b.content.Hide() }

// message returns the text shown, "" when hidden (for tests).
func (b *banner) message() string {
	if !b.content.Visible() {
		return ""
	}
	return b.text.Text
}
