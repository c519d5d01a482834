package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// focusTheme is the app's theme with a focus colour that can be seen:
// fyne's own (its primary blue at a sixth of full strength) tints a
// focused button so faintly that a user moving with Tab loses track of
// where they are. Buttons, selects and menu items take the focus colour
// as their fill (blended over a button's own), check boxes as a circle
// behind the box. Everything else is the theme it wraps, so the light
// and dark variants still follow the system or FYNE_THEME.
type focusTheme struct {
	fyne.Theme
}

// The focus colours, chosen so that the focused fill stands out from an
// unfocused button's and the label on it stays readable (4.5:1): in the
// dark variant an opaque blue, which also stands 3:1 off the window's
// background; in the light variant a translucent one, since dark text
// needs a light fill. TestFocusColourContrasts holds them to that.
var (
	focusDark  = color.NRGBA{R: 0x2a, G: 0x62, B: 0xc9, A: 0xff}
	focusLight = color.NRGBA{R: 0x00, G: 0x50, B: 0xd0, A: 0x3c}
)

// withFocus wraps t, unless it is wrapped already.
func withFocus(t fyne.Theme) fyne.Theme {
	if t == nil {
		t = theme.DefaultTheme()
	}
	if _, ok := t.(*focusTheme); ok {
		return t
	}
	return &focusTheme{Theme: t}
}

// Color returns the focus colour for the variant, and the wrapped
// theme's colour for every other name.
func (t *focusTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n != theme.ColorNameFocus {
		return t.Theme.Color(n, v)
	}
	if v == theme.VariantLight {
		return focusLight
	}
	return focusDark
}

// applyTheme puts the focus theme on app a.
func applyTheme(a fyne.App) {
	s := a.Settings()
	s.SetTheme(withFocus(s.Theme()))
}
