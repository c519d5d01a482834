package ui

import "fyne.io/fyne/v2"

// bottomLayout puts each object across the bottom of the space, as high
// as it needs at that width. A wrapped label knows how many lines it
// takes only once it has its width, so each object is sized twice: to
// learn its height, then to it.
type bottomLayout struct{}

func (bottomLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		h := min(o.MinSize().Height, size.Height)
		o.Resize(fyne.NewSize(size.Width, h))
		o.Move(fyne.NewPos(0, size.Height-h))
	}
}

// MinSize is none: what lies at the bottom covers content, it takes no
// space from it.
func (bottomLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
