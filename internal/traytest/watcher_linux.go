//go:build linux

package traytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// Option configures a Watcher.
type Option func(*Watcher)

// WithChangeFunc has f called with every change, in the order they
// happen, never after Close returns. f must not block for long; it may
// call the Watcher.
func WithChangeFunc(f func(Change)) Option {
	return func(w *Watcher) { w.onChange = f }
}

// WithBusAddress connects the watcher to the bus at addr (a Bus's
// Address) instead of DBUS_SESSION_BUS_ADDRESS's: a test gives its own
// bus to the processes it starts without changing its own environment.
func WithBusAddress(addr string) Option {
	return func(w *Watcher) { w.address = addr }
}

// Watcher owns org.kde.StatusNotifierWatcher on the session bus and
// records the items that register with it, in the order they registered.
// Items whose owner leaves the bus are dropped.
type Watcher struct {
	conn     *dbus.Conn
	client   *Client
	onChange func(Change)
	address  string // "" for the session bus
	signals  chan *dbus.Signal
	loopDone chan struct{}

	notifyMu sync.Mutex // held from a change to its onChange, so they keep order

	mu      sync.Mutex
	items   []Item
	changed chan struct{} // closed, and replaced, when items change or the watcher closes
	closed  bool
}

// StartWatcher connects to the session bus with a connection of its own
// and takes the watcher's name, within CallTimeout. It fails with
// ErrNameTaken when another watcher owns the name.
func StartWatcher(opts ...Option) (*Watcher, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CallTimeout)
	defer cancel()
	w := &Watcher{
		signals:  make(chan *dbus.Signal, 16),
		loopDone: make(chan struct{}),
		changed:  make(chan struct{}),
	}
	for _, opt := range opts {
		opt(w)
	}
	conn, err := connect(ctx, w.address)
	if err != nil {
		return nil, err
	}
	w.conn, w.client = conn, &Client{conn: conn}
	if err := w.export(); err != nil {
		conn.Close()
		return nil, err
	}
	err = conn.AddMatchSignalContext(ctx,
		dbus.WithMatchSender(busInterface),
		dbus.WithMatchInterface(busInterface),
		dbus.WithMatchMember("NameOwnerChanged"))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("watch bus names: %w", err)
	}
	conn.Signal(w.signals)
	go w.loop()

	// The name comes last: fyne.io/systray registers the moment it sees
	// the name get an owner, and does not try again if that call fails.
	var reply uint32
	err = busCall(ctx, conn, "RequestName", WatcherName, uint32(dbus.NameFlagDoNotQueue)).Store(&reply)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("own %s: %w", WatcherName, err)
	}
	if dbus.RequestNameReply(reply) != dbus.RequestNameReplyPrimaryOwner {
		var owner string
		_ = busCall(ctx, conn, "GetNameOwner", WatcherName).Store(&owner)
		w.Close()
		return nil, fmt.Errorf("own %s: %w by %s", WatcherName, ErrNameTaken, owner)
	}
	return w, nil
}

// Close gives up the name and the connection.
func (w *Watcher) Close() error {
	w.notifyMu.Lock()
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.changed)
	}
	w.mu.Unlock()
	w.notifyMu.Unlock()
	err := w.conn.Close()
	<-w.loopDone // the connection closed the signal channel
	return err
}

// Items lists the registered items.
func (w *Watcher) Items() []Item {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.items)
}

// WaitItem waits until an item of the process with this pid is registered.
// Without a deadline in ctx it waits WaitTimeout.
func (w *Watcher) WaitItem(ctx context.Context, pid int) (Item, error) {
	var found Item
	err := w.wait(ctx, func(items []Item) bool {
		i := slices.IndexFunc(items, func(it Item) bool { return it.PID == pid })
		if i >= 0 {
			found = items[i]
		}
		return i >= 0
	})
	if err != nil {
		return Item{}, fmt.Errorf("wait for the tray item of pid %d: %w", pid, err)
	}
	return found, nil
}

// WaitGone waits until no item of pid is registered. Without a deadline
// in ctx it waits WaitTimeout.
func (w *Watcher) WaitGone(ctx context.Context, pid int) error {
	err := w.wait(ctx, func(items []Item) bool {
		return !slices.ContainsFunc(items, func(it Item) bool { return it.PID == pid })
	})
	if err != nil {
		return fmt.Errorf("wait for the tray item of pid %d to go: %w", pid, err)
	}
	return nil
}

// wait returns once done holds for the items, checking on every change.
func (w *Watcher) wait(ctx context.Context, done func([]Item) bool) error {
	ctx, cancel := bounded(ctx, WaitTimeout)
	defer cancel()
	for {
		w.mu.Lock()
		ok, closed, changed := done(w.items), w.closed, w.changed
		w.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%w; registered: %s", ctx.Err(), describe(w.Items()))
		}
	}
}

func describe(items []Item) string {
	if len(items) == 0 {
		return "none"
	}
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = fmt.Sprintf("%s (pid %d)", it, it.PID)
	}
	return strings.Join(s, ", ")
}

// Menu reads the item's menu.
func (w *Watcher) Menu(ctx context.Context, it Item) ([]MenuEntry, error) {
	return w.client.Menu(ctx, it)
}

// Click clicks the first visible menu entry with this label; see Client.Click.
func (w *Watcher) Click(ctx context.Context, it Item, label string) error {
	return w.client.Click(ctx, it, label)
}

// Activate left-clicks the item's icon.
func (w *Watcher) Activate(ctx context.Context, it Item) error {
	return w.client.Activate(ctx, it)
}

// Icon returns the item's largest icon pixmap; see Client.Icon.
func (w *Watcher) Icon(ctx context.Context, it Item) (width, height int, argb []byte, err error) {
	return w.client.Icon(ctx, it)
}

// Title returns the item's title.
func (w *Watcher) Title(ctx context.Context, it Item) (string, error) {
	return w.client.Title(ctx, it)
}

// ToolTip returns the title of the item's tooltip.
func (w *Watcher) ToolTip(ctx context.Context, it Item) (string, error) {
	return w.client.ToolTip(ctx, it)
}

// register is RegisterStatusNotifierItem.
func (w *Watcher) register(sender, id string) *dbus.Error {
	name, path, err := parseItemID(sender, id)
	if err != nil {
		return dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{err.Error()})
	}
	ctx, cancel := context.WithTimeout(context.Background(), CallTimeout)
	defer cancel()
	it, err := resolveItem(ctx, w.conn, name, path)
	if err != nil {
		return dbus.MakeFailedError(err)
	}
	w.add(it)
	// The owner may have left while we looked it up, its NameOwnerChanged
	// seen before the item was there to drop. The bus answers in order, so
	// asking now settles it.
	if has, err := hasOwner(ctx, w.conn, it.Service); err == nil && !has {
		w.drop(it.Service)
	}
	return nil
}

func (w *Watcher) add(it Item) {
	w.notifyMu.Lock()
	defer w.notifyMu.Unlock()
	w.mu.Lock()
	known := slices.ContainsFunc(w.items, func(x Item) bool { return x.Service == it.Service && x.Path == it.Path })
	if w.closed || known {
		w.mu.Unlock()
		return
	}
	w.items = append(w.items, it)
	w.changedLocked()
	w.mu.Unlock()
	w.announce([]Item{it}, true)
}

// drop unregisters the items of service, whose owner has left the bus.
func (w *Watcher) drop(service string) {
	w.notifyMu.Lock()
	defer w.notifyMu.Unlock()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	var gone, kept []Item
	for _, it := range w.items {
		if it.Service == service {
			gone = append(gone, it)
		} else {
			kept = append(kept, it)
		}
	}
	if len(gone) > 0 {
		w.items = kept
		w.changedLocked()
	}
	w.mu.Unlock()
	w.announce(gone, false)
}

// changedLocked wakes the waiters; w.mu is held.
func (w *Watcher) changedLocked() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// announce tells the bus and onChange about items that came or went.
// Emit errors only mean the bus is gone, and with it every listener.
func (w *Watcher) announce(items []Item, registered bool) {
	if len(items) == 0 {
		return
	}
	signal := WatcherInterface + ".StatusNotifierItemUnregistered"
	if registered {
		signal = WatcherInterface + ".StatusNotifierItemRegistered"
	}
	for _, it := range items {
		_ = w.conn.Emit(WatcherPath, signal, it.String())
	}
	_ = w.conn.Emit(WatcherPath, propertiesInterface+".PropertiesChanged", WatcherInterface,
		map[string]dbus.Variant{"RegisteredStatusNotifierItems": dbus.MakeVariant(w.ids())}, []string{})
	if w.onChange != nil {
		for _, it := range items {
			w.onChange(Change{Item: it, Registered: registered})
		}
	}
}

func (w *Watcher) ids() []string {
	items := w.Items()
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.String()
	}
	return ids
}

// loop drops the items of owners that leave the bus, until the connection
// closes.
func (w *Watcher) loop() {
	defer close(w.loopDone)
	for sig := range w.signals {
		if sig.Name != busInterface+".NameOwnerChanged" || len(sig.Body) != 3 {
			continue
		}
		name, _ := sig.Body[0].(string)
		newOwner, _ := sig.Body[2].(string)
		if newOwner == "" && strings.HasPrefix(name, ":") {
			w.drop(name)
		}
	}
}
