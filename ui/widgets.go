package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Small widget helpers shared by the tabs.

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func section(s string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), bold(s))
}

func message(imp widget.Importance) *widget.Label {
	m := widget.NewLabel("")
	m.Importance = imp
	m.Wrapping = fyne.TextWrapWord
	m.Hide()
	return m
}

// showMessage shows text in m, or hides m when text is empty.
func showMessage(m *widget.Label, text string) {
	m.SetText(text)
	setVisible(m, text != "")
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
