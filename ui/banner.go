package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// banner is the message strip for what concerns the whole app: save
// failures, the config file changing on disk, input left unsaved in
// another tab. It lies over the bottom of the window (see over)
// rather than above the tabs: appearing must not push the form down
// under the pointer, where a click meant for a field would land on
// another. At the bottom it also stays in sight while working low in a
// long form.
type banner struct {
	content fyne.CanvasObject
	layer   *fyne.Container // lays content out at the bottom
	icon    *widget.Icon
	text    *widget.Label
	action  *widget.Button
}

func newBanner(*UI) *banner {
	b := &banner{
		icon:   widget.NewIcon(theme.InfoIcon()),
		text:   widget.NewLabel(""),
		action: widget.NewButton("", nil),
	}
	b.text.Wrapping = fyne.TextWrapWord
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), b.hide)
	closeBtn.Importance = widget.LowImportance
	b.content = newStrip(container.NewBorder(widget.NewSeparator(), nil, b.icon,
		container.NewHBox(b.action, closeBtn), b.text))
	b.content.Hide()
	b.layer = container.New(bottomLayout{}, b.content)
	return b
}

// over lays the banner over the bottom of content without taking space
// from it: content keeps its size and place whether the banner shows or
// not.
func (b *banner) over(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, b.layer)
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
	b.layer.Refresh() // places the strip, sized to the message
}

func (b *banner) hide() { b.content.Hide() }

// message returns the text shown, "" when hidden (for tests).
func (b *banner) message() string {
	if !b.content.Visible() {
		return ""
	}
	return b.text.Text
}

// strip is an opaque bar drawn over other content. It takes the taps
// that land on it, its text and background included: a click on the
// message must not reach the field underneath.
type strip struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

func newStrip(content fyne.CanvasObject) *strip {
	s := &strip{content: content}
	s.ExtendBaseWidget(s)
	return s
}

func (s *strip) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	return &stripRenderer{bg: bg, objects: []fyne.CanvasObject{bg, s.content}, s: s}
}

// Tapped swallows a tap on the strip outside its buttons.
func (*strip) Tapped(*fyne.PointEvent) {}

type stripRenderer struct {
	bg      *canvas.Rectangle
	objects []fyne.CanvasObject
	s       *strip
}

func (r *stripRenderer) Layout(size fyne.Size) {
	for _, o := range r.objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (r *stripRenderer) MinSize() fyne.Size           { return r.s.content.MinSize() }
func (r *stripRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *stripRenderer) Destroy()                     {}

// Refresh follows a change of theme (light, dark).
func (r *stripRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	r.bg.Refresh()
	r.s.content.Refresh()
}
