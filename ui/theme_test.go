package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// relLuminance is a colour's relative luminance (WCAG 2).
func relLuminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	x, y := relLuminance(a), relLuminance(b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}

// over is fg drawn over the opaque bg, as fyne blends a button's focus
// colour into its fill.
func over(bg, fg color.Color) color.Color {
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	f := color.NRGBAModel.Convert(fg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-a) + float64(y)*a)) }
	return color.NRGBA{R: mix(b.R, f.R), G: mix(b.G, f.G), B: mix(b.B, f.B), A: 0xff}
}

// A focused button, select or menu item must be told from an unfocused
// one at a glance, and keep its label readable: in both variants of the
// theme the window uses, the focused fill stands 1.4:1 off an unfocused
// button (fyne's own focus colour: 1.16 dark, 1.25 light), the label on
// it 4.5:1 (WCAG AA), a primary button's label too; in the dark variant
// the fill stands 3:1 off the window's background (WCAG's for a focus
// indicator). New applies the theme to the app, so the real window
// (cmd/callhook's ui.New) has it.
func TestFocusColourContrasts(t *testing.T) {
	a := test.NewTempApp(t)
	New(a, newFake(sampleConfig()), Options{})
	th := a.Settings().Theme()
	if _, ok := th.(*focusTheme); !ok {
		t.Fatalf("the app's theme is %T, want the focus theme", th)
	}
	real := withFocus(theme.DefaultTheme())
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		c := func(n fyne.ThemeColorName) color.Color { return real.Color(n, v) }
		bg, btn := c(theme.ColorNameBackground), c(theme.ColorNameButton)
		focused := over(btn, c(theme.ColorNameFocus))
		checks := []struct {
			what     string
			got, min float64
		}{
			{"focused against unfocused button", contrast(focused, btn), 1.4},
			{"label on the focused button", contrast(c(theme.ColorNameForeground), focused), 4.5},
			{"label on a focused primary button", contrast(c(theme.ColorNameForegroundOnPrimary), over(c(theme.ColorNamePrimary), c(theme.ColorNameFocus))), 4.5},
			{"focused select against an unfocused one", contrast(over(bg, c(theme.ColorNameFocus)), over(bg, c(theme.ColorNameInputBackground))), 1.3},
			{"text on a focused select", contrast(c(theme.ColorNameForeground), over(bg, c(theme.ColorNameFocus))), 4.5},
		}
		if v == theme.VariantDark {
			checks = append(checks, struct {
				what     string
				got, min float64
			}{"focused button against the window", contrast(focused, bg), 3})
		}
		for _, ch := range checks {
			if ch.got < ch.min {
				t.Errorf("%s variant: %s: contrast %.2f, want at least %.1f", variantName(v), ch.what, ch.got, ch.min)
			}
		}
	}
}

func variantName(v fyne.ThemeVariant) string {
	if v == theme.VariantLight {
		return "light"
	}
	return "dark"
}
