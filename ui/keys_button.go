package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// releaseButton is a button that Space presses when the key comes up, as
// a desktop's buttons do, for a button that opens a dialog with a text
// field focused. fyne's button acts when the key goes down, and the
// character the key types arrives after that, at whatever has the focus
// then: the dialog's field, which got a blank in front of what it held.
type releaseButton struct {
	widget.Button
	// spaceDown says Space went down while the button had the focus.
	spaceDown bool
}

func newReleaseButton(label string, icon fyne.Resource, tapped func()) *releaseButton {
	b := &releaseButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey notes Space, for KeyUp; other keys are the button's.
func (b *releaseButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		b.spaceDown = true
		return
	}
	b.Button.TypedKey(ev)
}

// KeyDown does nothing: TypedKey, which follows, notes Space.
func (b *releaseButton) KeyDown(*fyne.KeyEvent) {}

// KeyUp presses the button when the Space that went down on it comes up.
func (b *releaseButton) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeySpace || !b.spaceDown {
		return
	}
	b.spaceDown = false
	if !b.Disabled() {
		b.Tapped(nil)
	}
}

// FocusLost forgets a Space that went down: it came up elsewhere.
func (b *releaseButton) FocusLost() {
	b.spaceDown = false
	b.Button.FocusLost()
}
