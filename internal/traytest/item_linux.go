//go:build linux

package traytest

import (
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Item is one registered StatusNotifierItem.
type Item struct {
	Service string          // unique bus name of the item's owner
	Path    dbus.ObjectPath // e.g. /StatusNotifierItem
	PID     int             // the owner's process, as the bus tells it
}

// String is the item's id as the protocol writes it in
// RegisteredStatusNotifierItems: service and path run together.
func (it Item) String() string { return it.Service + string(it.Path) }

// parseItemID splits what RegisterStatusNotifierItem was given into a bus
// name and an object path: a path alone is an item of the sender (what
// fyne.io/systray sends), a bus name alone one at the default path, and
// "name/path" is an id as RegisteredStatusNotifierItems lists it.
func parseItemID(sender, id string) (string, dbus.ObjectPath, error) {
	name, path := sender, DefaultItemPath
	switch i := strings.IndexByte(id, '/'); {
	case id == "":
		return "", "", fmt.Errorf("empty item id")
	case i == 0:
		path = dbus.ObjectPath(id)
	case i > 0:
		name, path = id[:i], dbus.ObjectPath(id[i:])
	default:
		name = id
	}
	if name == "" {
		return "", "", fmt.Errorf("item id %q: no bus name", id)
	}
	if !path.IsValid() {
		return "", "", fmt.Errorf("item id %q: %q is no object path", id, path)
	}
	return name, path, nil
}

// Change is one registration or unregistration.
type Change struct {
	Item       Item
	Registered bool // false: unregistered
}
