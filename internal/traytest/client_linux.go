//go:build linux

package traytest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// pollInterval is how often Client.WaitItem asks the watcher again.
const pollInterval = 50 * time.Millisecond

// Client reads and clicks tray items through a watcher that runs
// elsewhere: another process's Watcher (scripts/sniwatcher) or a
// desktop's tray.
type Client struct {
	conn *dbus.Conn
}

// NewClient connects to the session bus with a connection of its own.
func NewClient(ctx context.Context) (*Client, error) {
	conn, err := connect(ctx, "")
	if err != nil {
		return nil, err
	}
	return &Client{conn: conn}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Items lists the items the watcher has registered, as its
// RegisteredStatusNotifierItems property has them. Items whose owner has
// just left are missing, and so are ids that do not read "service/path".
// Without a watcher it fails with ErrNoWatcher.
func (c *Client) Items(ctx context.Context) ([]Item, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	has, err := hasOwner(ctx, c.conn, WatcherName)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, ErrNoWatcher
	}
	var ids []string
	if err := c.get(ctx, WatcherName, WatcherPath, WatcherInterface, "RegisteredStatusNotifierItems", &ids); err != nil {
		return nil, err
	}
	var items []Item
	for _, id := range ids {
		name, path, err := parseItemID("", id)
		if err != nil {
			continue // not "service/path": a watcher of its own ways
		}
		it, err := resolveItem(ctx, c.conn, name, path)
		if err != nil {
			continue // gone since the watcher listed it
		}
		items = append(items, it)
	}
	return items, nil
}

// WaitItem waits until the watcher has an item of the process with this
// pid, asking every 50 ms. Without a deadline in ctx it waits WaitTimeout.
func (c *Client) WaitItem(ctx context.Context, pid int) (Item, error) {
	ctx, cancel := bounded(ctx, WaitTimeout)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		items, err := c.Items(ctx)
		if err != nil {
			return Item{}, fmt.Errorf("wait for the tray item of pid %d: %w", pid, err)
		}
		if i := slices.IndexFunc(items, func(it Item) bool { return it.PID == pid }); i >= 0 {
			return items[i], nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return Item{}, fmt.Errorf("wait for the tray item of pid %d: %w; registered: %s", pid, ctx.Err(), describe(items))
		}
	}
}

// Menu reads the item's menu: the path in its Menu property, then
// com.canonical.dbusmenu.GetLayout of the whole tree. It lists the top
// level.
func (c *Client) Menu(ctx context.Context, it Item) ([]MenuEntry, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	entries, _, err := c.menu(ctx, it)
	return entries, err
}

func (c *Client) menu(ctx context.Context, it Item) ([]MenuEntry, dbus.ObjectPath, error) {
	var path dbus.ObjectPath
	if err := c.get(ctx, it.Service, it.Path, ItemInterface, "Menu", &path); err != nil {
		return nil, "", err
	}
	var (
		revision uint32
		root     layout
	)
	err := c.conn.Object(it.Service, path).CallWithContext(ctx, MenuInterface+".GetLayout", 0,
		int32(0), int32(-1), []string{}).Store(&revision, &root)
	if err != nil {
		return nil, "", fmt.Errorf("read the menu of %s: %w", it, err)
	}
	entries, err := root.entries()
	if err != nil {
		return nil, "", fmt.Errorf("read the menu of %s: %w", it, err)
	}
	return entries, path, nil
}

// Click sends a "clicked" event to the first visible entry with this
// label (as MenuEntry.Label has it: "Quit" for "_Quit"), as a tray does
// when the user picks it. It fails with ErrNoEntry,
// naming the labels there are, when none matches, and with ErrDisabled
// when the entry is greyed out: a user could not click it either.
func (c *Client) Click(ctx context.Context, it Item, label string) error {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	entries, path, err := c.menu(ctx, it)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(entries, func(e MenuEntry) bool {
		return e.Visible && e.Type != separator && e.Label == label
	})
	if i < 0 {
		return fmt.Errorf("click %q in the menu of %s: %w; it has %s", label, it, ErrNoEntry, labels(entries))
	}
	if !entries[i].Enabled {
		return fmt.Errorf("click %q in the menu of %s: %w", label, it, ErrDisabled)
	}
	err = c.conn.Object(it.Service, path).CallWithContext(ctx, MenuInterface+".Event", 0,
		entries[i].ID, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
	if err != nil {
		return fmt.Errorf("click %q in the menu of %s: %w", label, it, err)
	}
	return nil
}

// labels lists the visible labels, quoted, for an error message.
func labels(entries []MenuEntry) string {
	var s []string
	for _, e := range entries {
		if e.Visible && e.Type != separator {
			s = append(s, strconv.Quote(e.Label))
		}
	}
	if len(s) == 0 {
		return "no entries"
	}
	return strings.Join(s, ", ")
}

// Activate calls the item's Activate(0, 0): a left click on the icon.
// fyne.io/systray answers it only when the program set SetOnTapped.
func (c *Client) Activate(ctx context.Context, it Item) error {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	err := c.conn.Object(it.Service, it.Path).CallWithContext(ctx, ItemInterface+".Activate", 0, int32(0), int32(0)).Err
	if err != nil {
		return fmt.Errorf("activate %s: %w", it, err)
	}
	return nil
}

// pixmap is one entry of IconPixmap and of a tooltip's icons, a(iiay).
type pixmap struct {
	Width, Height int32
	ARGB          []byte // big-endian ARGB32, row by row
}

// Icon returns the largest of the item's icon pixmaps: its size and its
// pixels, 4 bytes each, A R G B. An item without one fails with ErrNoIcon.
func (c *Client) Icon(ctx context.Context, it Item) (width, height int, argb []byte, err error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	var pixmaps []pixmap
	if err := c.get(ctx, it.Service, it.Path, ItemInterface, "IconPixmap", &pixmaps); err != nil {
		return 0, 0, nil, err
	}
	var best pixmap
	for _, p := range pixmaps {
		if int64(p.Width)*int64(p.Height) > int64(best.Width)*int64(best.Height) {
			best = p
		}
	}
	if best.Width <= 0 || best.Height <= 0 {
		return 0, 0, nil, fmt.Errorf("read the icon of %s: %w", it, ErrNoIcon)
	}
	if want := 4 * int(best.Width) * int(best.Height); len(best.ARGB) != want {
		return 0, 0, nil, fmt.Errorf("read the icon of %s: %dx%d pixmap has %d bytes, not %d", it, best.Width, best.Height, len(best.ARGB), want)
	}
	return int(best.Width), int(best.Height), best.ARGB, nil
}

// Title returns the item's Title property.
func (c *Client) Title(ctx context.Context, it Item) (string, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	var title string
	err := c.get(ctx, it.Service, it.Path, ItemInterface, "Title", &title)
	return title, err
}

// ToolTip returns the title of the item's ToolTip property.
func (c *Client) ToolTip(ctx context.Context, it Item) (string, error) {
	ctx, cancel := bounded(ctx, CallTimeout)
	defer cancel()
	var tip struct {
		IconName string
		Icons    []pixmap
		Title    string
		Text     string
	}
	err := c.get(ctx, it.Service, it.Path, ItemInterface, "ToolTip", &tip)
	return tip.Title, err
}

// get reads the property iface.name of the object at dest and path into v.
func (c *Client) get(ctx context.Context, dest string, path dbus.ObjectPath, iface, name string, v any) error {
	var value dbus.Variant
	err := c.conn.Object(dest, path).CallWithContext(ctx, propertiesInterface+".Get", 0, iface, name).Store(&value)
	if err == nil {
		err = value.Store(v)
	}
	if err != nil {
		return fmt.Errorf("read %s of %s%s: %w", name, dest, path, err)
	}
	return nil
}
