//go:build linux

package traytest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"

	"github.com/callhook/callhook/internal/siptest"
	"github.com/callhook/callhook/internal/traytest"
)

// TestMain doubles as the stand-in tray program of process_test.go, and
// stops the tray and the bus the tests share.
func TestMain(m *testing.M) {
	if os.Getenv(fakeItemEnv) == "1" {
		os.Exit(fakeItem())
	}
	code := m.Run()
	stopTray()
	if bus.b != nil {
		bus.b.Close()
	}
	os.Exit(code)
}

// bus is the package's private session bus, started by the first test
// that needs one and stopped by TestMain. The tests share it because
// systray keeps one connection for the whole process.
var bus struct {
	once sync.Once
	b    *traytest.Bus
	err  error
}

// needBus puts the process on the private bus, or skips the test (fails
// it under CALLHOOK_REQUIRE_PEERS=1) when there is no dbus-daemon.
func needBus(t *testing.T) {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		missing = "dbus-daemon is not installed (Debian: apt-get install dbus-daemon)"
	}
	siptest.RequireReal(t, missing)
	bus.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		bus.b, bus.err = traytest.StartBus(ctx)
		if bus.err == nil {
			bus.err = os.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.b.Address)
		}
	})
	if bus.err != nil {
		t.Fatal(bus.err)
	}
}

func startWatcher(t *testing.T, opts ...traytest.Option) *traytest.Watcher {
	t.Helper()
	w, err := traytest.StartWatcher(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// dial opens a connection of the test's own to the private bus.
func dial(t *testing.T) *dbus.Conn {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestWatcherOnTheBus(t *testing.T) {
	needBus(t)
	ctx := within(t, 20*time.Second)
	byPath, byName, listener := dial(t), dial(t), dial(t)
	const itemName = "org.kde.StatusNotifierItem-traytest-1"
	if reply, err := byName.RequestName(itemName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName = %v, %v", reply, err)
	}
	ours := map[string]bool{byPath.Names()[0]: true, byName.Names()[0]: true}
	changes := make(chan traytest.Change, 8)
	w := startWatcher(t, traytest.WithChangeFunc(func(c traytest.Change) {
		if ours[c.Item.Service] {
			changes <- c
		}
	}))
	if err := listener.AddMatchSignal(dbus.WithMatchInterface(traytest.WatcherInterface)); err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	listener.Signal(signals)
	watcher := listener.Object(traytest.WatcherName, traytest.WatcherPath)
	register := func(conn *dbus.Conn, id string) error {
		return conn.Object(traytest.WatcherName, traytest.WatcherPath).CallWithContext(ctx,
			traytest.WatcherInterface+".RegisterStatusNotifierItem", 0, id).Err
	}
	nextChange := func() traytest.Change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-ctx.Done():
			t.Fatal("no change")
		}
		return traytest.Change{}
	}
	nextSignal := func() *dbus.Signal {
		t.Helper()
		for {
			select {
			case s := <-signals:
				if strings.HasPrefix(s.Name, traytest.WatcherInterface+".StatusNotifierItem") && ours[strings.SplitN(s.Body[0].(string), "/", 2)[0]] {
					return s
				}
			case <-ctx.Done():
				t.Fatal("no signal")
				return nil
			}
		}
	}
	registered := func() []string {
		t.Helper()
		v, err := watcher.GetProperty(traytest.WatcherInterface + ".RegisteredStatusNotifierItems")
		if err != nil {
			t.Fatal(err)
		}
		return v.Value().([]string)
	}

	t.Run("introspection", func(t *testing.T) {
		node, err := introspect.Call(watcher)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(node.Interfaces, func(i introspect.Interface) bool { return i.Name == traytest.WatcherInterface })
		if i < 0 {
			t.Fatalf("no %s in %+v", traytest.WatcherInterface, node.Interfaces)
		}
		var names []string
		for _, m := range node.Interfaces[i].Methods {
			names = append(names, m.Name)
		}
		for _, p := range node.Interfaces[i].Properties {
			names = append(names, p.Name+":"+p.Type)
		}
		slices.Sort(names)
		want := []string{"IsStatusNotifierHostRegistered:b", "ProtocolVersion:i", "RegisterStatusNotifierHost",
			"RegisterStatusNotifierItem", "RegisteredStatusNotifierItems:as"}
		if !slices.Equal(names, want) {
			t.Errorf("introspection %v, want %v", names, want)
		}
	})
	t.Run("properties", func(t *testing.T) {
		for name, want := range map[string]any{"IsStatusNotifierHostRegistered": true, "ProtocolVersion": int32(0)} {
			v, err := watcher.GetProperty(traytest.WatcherInterface + "." + name)
			if err != nil || v.Value() != want {
				t.Errorf("%s = %v, %v, want %v", name, v, err, want)
			}
		}
		if err := watcher.SetProperty(traytest.WatcherInterface+".ProtocolVersion", dbus.MakeVariant(int32(1))); err == nil {
			t.Error("ProtocolVersion could be set")
		}
		if err := watcher.CallWithContext(ctx, traytest.WatcherInterface+".RegisterStatusNotifierHost", 0, "org.example.Host").Err; err != nil {
			t.Error(err)
		}
	})
	pathItem := traytest.Item{Service: byPath.Names()[0], Path: "/Fake", PID: os.Getpid()}
	nameItem := traytest.Item{Service: byName.Names()[0], Path: traytest.DefaultItemPath, PID: os.Getpid()}
	t.Run("register by path", func(t *testing.T) {
		if err := register(byPath, "/Fake"); err != nil {
			t.Fatal(err)
		}
		if c := nextChange(); c != (traytest.Change{Item: pathItem, Registered: true}) {
			t.Errorf("change %+v, want %+v registered", c, pathItem)
		}
		if s := nextSignal(); s.Name != traytest.WatcherInterface+".StatusNotifierItemRegistered" || s.Body[0] != pathItem.String() {
			t.Errorf("signal %s %v, want registered %s", s.Name, s.Body, pathItem)
		}
		if got := registered(); !slices.Contains(got, pathItem.String()) {
			t.Errorf("RegisteredStatusNotifierItems %v lacks %s", got, pathItem)
		}
		// Again, as systray does when the watcher changes: still one item.
		if err := register(byPath, "/Fake"); err != nil {
			t.Fatal(err)
		}
		if n := count(w.Items(), pathItem); n != 1 {
			t.Errorf("%d items %s after registering twice", n, pathItem)
		}
	})
	t.Run("register by bus name", func(t *testing.T) {
		if err := register(byName, itemName); err != nil {
			t.Fatal(err)
		}
		if c := nextChange(); c != (traytest.Change{Item: nameItem, Registered: true}) {
			t.Errorf("change %+v, want %+v registered", c, nameItem)
		}
		nextSignal()
	})
	t.Run("bad ids", func(t *testing.T) {
		for _, id := range []string{"", "org.example.NoOne", "/a//b"} {
			if err := register(byPath, id); err == nil {
				t.Errorf("RegisterStatusNotifierItem(%q) succeeded", id)
			}
		}
	})
	t.Run("client", func(t *testing.T) {
		c, err := traytest.NewClient(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		items, err := c.Items(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if count(items, pathItem) != 1 || count(items, nameItem) != 1 {
			t.Errorf("client sees %+v, want %+v and %+v among them", items, pathItem, nameItem)
		}
	})
	t.Run("owner leaves", func(t *testing.T) {
		byPath.Close()
		if c := nextChange(); c != (traytest.Change{Item: pathItem}) {
			t.Errorf("change %+v, want %+v unregistered", c, pathItem)
		}
		if s := nextSignal(); s.Name != traytest.WatcherInterface+".StatusNotifierItemUnregistered" || s.Body[0] != pathItem.String() {
			t.Errorf("signal %s %v, want unregistered %s", s.Name, s.Body, pathItem)
		}
		if got := registered(); slices.Contains(got, pathItem.String()) || !slices.Contains(got, nameItem.String()) {
			t.Errorf("RegisteredStatusNotifierItems %v, want %s gone and %s kept", got, pathItem, nameItem)
		}
	})
}

func count(items []traytest.Item, it traytest.Item) int {
	n := 0
	for _, x := range items {
		if x == it {
			n++
		}
	}
	return n
}

func TestSecondWatcherFails(t *testing.T) {
	needBus(t)
	startWatcher(t)
	w, err := traytest.StartWatcher()
	if err == nil {
		w.Close()
		t.Fatal("a second watcher started")
	}
	if !errors.Is(err, traytest.ErrNameTaken) || !strings.Contains(err.Error(), traytest.WatcherName) {
		t.Errorf("second StartWatcher: %v, want ErrNameTaken naming %s", err, traytest.WatcherName)
	}
}

func TestWaitEnds(t *testing.T) {
	needBus(t)
	w := startWatcher(t)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err := w.WaitItem(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitItem of a pid without an item: %v, want the deadline", err)
	}
	w.Close()
	if _, err := w.WaitItem(t.Context(), 1); !errors.Is(err, traytest.ErrClosed) {
		t.Errorf("WaitItem after Close: %v, want ErrClosed", err)
	}
}

func TestClientWithoutWatcher(t *testing.T) {
	needBus(t)
	ctx := within(t, 10*time.Second)
	c, err := traytest.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WaitItem(ctx, os.Getpid()); !errors.Is(err, traytest.ErrNoWatcher) {
		t.Errorf("WaitItem without a watcher: %v, want ErrNoWatcher", err)
	}
}
