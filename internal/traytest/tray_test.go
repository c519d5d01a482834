//go:build linux

package traytest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/systray"

	"github.com/callhook/callhook/internal/traytest"
)

// tray is fyne.io/systray running in this process. It starts once: the
// package keeps process-wide state, and Run after Quit returns at once.
var tray struct {
	once         sync.Once
	show, hooks  *systray.MenuItem
	quit         *systray.MenuItem
	shown, taps  chan struct{} // a click on Show, a left click on the icon
	stop         chan struct{} // closed by stopTray
	stopped      chan struct{} // closed when systray.Run returns
	red16, grn22 []byte
}

func startTray() {
	tray.once.Do(func() {
		tray.red16 = pngIcon(16, color.NRGBA{R: 0xff, A: 0xff})
		tray.grn22 = pngIcon(22, color.NRGBA{G: 0xff, A: 0xff})
		tray.shown = make(chan struct{}, 1)
		tray.taps = make(chan struct{}, 1)
		tray.stop = make(chan struct{})
		tray.stopped = make(chan struct{})
		// The menu is built before Run: systray's refresh reads its bus
		// connection without a lock, and onReady runs while Run still
		// sets that connection up (go test -race reports it).
		systray.SetIcon(tray.red16)
		systray.SetTitle("traytest")
		systray.SetTooltip("traytest tip")
		tray.show = systray.AddMenuItem("Show", "")
		tray.hooks = systray.AddMenuItemCheckbox("Hooks on", "", true)
		systray.AddSeparator()
		tray.quit = systray.AddMenuItem("Quit", "")
		systray.SetOnTapped(func() { signal(tray.taps) })
		// systray drops a click when no one is receiving on ClickedCh.
		clicked := tray.show.ClickedCh
		go func() {
			for {
				select {
				case <-clicked:
					signal(tray.shown)
				case <-tray.stop:
					return
				}
			}
		}()
		go func() {
			defer close(tray.stopped)
			systray.Run(nil, nil)
		}()
	})
}

func stopTray() {
	if tray.stopped == nil {
		return
	}
	systray.Quit()
	close(tray.stop)
	select {
	case <-tray.stopped:
	case <-time.After(5 * time.Second):
		fmt.Fprintln(os.Stderr, "systray.Run has not returned 5 s after Quit")
	}
}

// setIcon is systray.SetIcon after a SetTitle. systray hands a reader of
// IconPixmap the slice it keeps, and SetIcon overwrites that slice in
// place (godbus's prop.Properties.SetMust stores into it): a race with a
// reply still being encoded. Ours are long sent, but only a lock shows the
// race detector that: SetTitle emits a signal, taking the connection's
// send lock, which every earlier reply held while it was encoded.
func setIcon(icon []byte) {
	systray.SetTitle("traytest")
	systray.SetIcon(icon)
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

func await(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Errorf("no %s within 5 s", what)
	}
}

func pngIcon(size int, c color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	return b.Bytes()
}

func TestTray(t *testing.T) {
	needBus(t)
	w := startWatcher(t)
	startTray()
	ctx := within(t, 20*time.Second)
	it, err := w.WaitItem(ctx, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if it.Path != traytest.DefaultItemPath || !strings.HasPrefix(it.Service, ":") {
		t.Errorf("item %+v, want a unique name at %s", it, traytest.DefaultItemPath)
	}
	// systray sets its connection up under the lock SetIcon takes: taking
	// it here orders that before the unlocked reads of Uncheck and Disable.
	setIcon(tray.red16)

	t.Run("menu", func(t *testing.T) {
		got, err := w.Menu(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[int32]bool{}
		for i := range got {
			ids[got[i].ID] = true
			got[i].ID = 0
		}
		want := []traytest.MenuEntry{
			{Label: "Show", Enabled: true, Visible: true},
			{Label: "Hooks on", Enabled: true, Visible: true, Toggle: "checkmark", Checked: true},
			{Type: "separator", Enabled: true, Visible: true},
			{Label: "Quit", Enabled: true, Visible: true},
		}
		if !slices.Equal(got, want) {
			t.Errorf("menu\n got %+v\nwant %+v", got, want)
		}
		if len(ids) != len(got) || ids[0] {
			t.Errorf("menu ids %v: want distinct, non-zero ids", ids)
		}
	})
	t.Run("click", func(t *testing.T) {
		drain(tray.shown)
		if err := w.Click(ctx, it, "Show"); err != nil {
			t.Fatal(err)
		}
		await(t, tray.shown, "click on Show")
	})
	t.Run("unknown label", func(t *testing.T) {
		err := w.Click(ctx, it, "Nope")
		if !errors.Is(err, traytest.ErrNoEntry) {
			t.Fatalf("Click(Nope) = %v, want ErrNoEntry", err)
		}
		if want := `"Show", "Hooks on", "Quit"`; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not list the labels %s", err, want)
		}
	})
	t.Run("uncheck", func(t *testing.T) {
		tray.hooks.Uncheck()
		t.Cleanup(tray.hooks.Check)
		if e := entry(t, w, ctx, it, "Hooks on"); e.Checked || e.Toggle != "checkmark" {
			t.Errorf("after Uncheck: %+v", e)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		tray.quit.Disable()
		t.Cleanup(tray.quit.Enable)
		if e := entry(t, w, ctx, it, "Quit"); e.Enabled {
			t.Errorf("after Disable: %+v", e)
		}
		if err := w.Click(ctx, it, "Quit"); !errors.Is(err, traytest.ErrDisabled) {
			t.Errorf("Click on a disabled entry = %v, want ErrDisabled", err)
		}
	})
	t.Run("icon", func(t *testing.T) {
		checkIcon(t, w, ctx, it, 16, []byte{0xff, 0xff, 0, 0})
		setIcon(tray.grn22)
		t.Cleanup(func() { setIcon(tray.red16) })
		checkIcon(t, w, ctx, it, 22, []byte{0xff, 0, 0xff, 0})
	})
	t.Run("activate", func(t *testing.T) {
		drain(tray.taps)
		if err := w.Activate(ctx, it); err != nil {
			t.Fatal(err)
		}
		await(t, tray.taps, "left click on the icon")
	})
	t.Run("title", func(t *testing.T) {
		if got, err := w.Title(ctx, it); err != nil || got != "traytest" {
			t.Errorf("Title = %q, %v", got, err)
		}
		if got, err := w.ToolTip(ctx, it); err != nil || got != "traytest tip" {
			t.Errorf("ToolTip = %q, %v", got, err)
		}
	})
	t.Run("client", func(t *testing.T) {
		c, err := traytest.NewClient(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		got, err := c.WaitItem(ctx, os.Getpid())
		if err != nil || got != it {
			t.Fatalf("WaitItem = %+v, %v, want %+v", got, err, it)
		}
		drain(tray.shown)
		if err := c.Click(ctx, it, "Show"); err != nil {
			t.Fatal(err)
		}
		await(t, tray.shown, "click on Show")
	})
}

func entry(t *testing.T, w *traytest.Watcher, ctx context.Context, it traytest.Item, label string) traytest.MenuEntry {
	t.Helper()
	entries, err := w.Menu(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(entries, func(e traytest.MenuEntry) bool { return e.Label == label })
	if i < 0 {
		t.Fatalf("no %q in %+v", label, entries)
	}
	return entries[i]
}

func checkIcon(t *testing.T, w *traytest.Watcher, ctx context.Context, it traytest.Item, size int, pixel []byte) {
	t.Helper()
	width, height, argb, err := w.Icon(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	if width != size || height != size || !bytes.Equal(argb[:4], pixel) {
		t.Errorf("icon %dx%d starting % x, want %dx%d starting % x", width, height, argb[:4], size, size, pixel)
	}
}
