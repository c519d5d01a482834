//go:build linux

package traytest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"
)

// export puts the watcher's methods, properties and introspection data
// on the bus.
func (w *Watcher) export() error {
	props := watcherProps{w}
	node := &introspect.Node{
		Name: string(WatcherPath),
		Interfaces: []introspect.Interface{
			introspect.IntrospectData,
			prop.IntrospectData,
			{
				Name: WatcherInterface,
				Methods: []introspect.Method{
					{Name: "RegisterStatusNotifierItem", Args: []introspect.Arg{{Name: "service", Type: "s", Direction: "in"}}},
					{Name: "RegisterStatusNotifierHost", Args: []introspect.Arg{{Name: "service", Type: "s", Direction: "in"}}},
				},
				Signals: []introspect.Signal{
					{Name: "StatusNotifierItemRegistered", Args: []introspect.Arg{{Name: "service", Type: "s"}}},
					{Name: "StatusNotifierItemUnregistered", Args: []introspect.Arg{{Name: "service", Type: "s"}}},
					{Name: "StatusNotifierHostRegistered"},
					{Name: "StatusNotifierHostUnregistered"},
				},
				Properties: props.introspection(),
			},
		},
	}
	for iface, v := range map[string]any{
		WatcherInterface:                      watcherMethods{w},
		propertiesInterface:                   props,
		"org.freedesktop.DBus.Introspectable": introspect.NewIntrospectable(node),
	} {
		if err := w.conn.Export(v, WatcherPath, iface); err != nil {
			return fmt.Errorf("export %s: %w", iface, err)
		}
	}
	return nil
}

// watcherMethods are the D-Bus methods of the watcher interface: godbus
// exports every method of the type.
type watcherMethods struct{ w *Watcher }

func (m watcherMethods) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	return m.w.register(string(sender), service)
}

// RegisterStatusNotifierHost is accepted and forgotten: the watcher
// always claims a host, so items show themselves.
func (m watcherMethods) RegisterStatusNotifierHost(_ dbus.Sender, _ string) *dbus.Error {
	_ = m.w.conn.Emit(WatcherPath, WatcherInterface+".StatusNotifierHostRegistered")
	return nil
}

// watcherProps is org.freedesktop.DBus.Properties of the watcher, read
// from its state. (godbus's prop package keeps a copy, and its SetMust
// panics once the connection is gone.)
type watcherProps struct{ w *Watcher }

func (p watcherProps) values() map[string]dbus.Variant {
	return map[string]dbus.Variant{
		"RegisteredStatusNotifierItems":  dbus.MakeVariant(p.w.ids()),
		"IsStatusNotifierHostRegistered": dbus.MakeVariant(true),
		"ProtocolVersion":                dbus.MakeVariant(int32(0)),
	}
}

func (p watcherProps) introspection() []introspect.Property {
	var out []introspect.Property
	for name, v := range p.values() {
		out = append(out, introspect.Property{Name: name, Type: v.Signature().String(), Access: "read"})
	}
	slices.SortFunc(out, func(a, b introspect.Property) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (p watcherProps) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	if iface != WatcherInterface {
		return dbus.Variant{}, prop.ErrIfaceNotFound
	}
	v, ok := p.values()[name]
	if !ok {
		return dbus.Variant{}, prop.ErrPropNotFound
	}
	return v, nil
}

func (p watcherProps) GetAll(iface string) (map[string]dbus.Variant, *dbus.Error) {
	if iface != WatcherInterface {
		return nil, prop.ErrIfaceNotFound
	}
	return p.values(), nil
}

func (p watcherProps) Set(iface, name string, _ dbus.Variant) *dbus.Error {
	if _, err := p.Get(iface, name); err != nil {
		return err
	}
	return prop.ErrReadOnly
}
