//go:build linux

package traytest

import (
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// separator is the dbusmenu type of a separator line.
const separator = "separator"

// MenuEntry is one top-level entry of an item's dbusmenu, with the
// protocol's defaults filled in for properties the item left out.
type MenuEntry struct {
	ID      int32
	Label   string // with the "_" mnemonic markers removed
	Type    string // "" or "separator"
	Enabled bool
	Visible bool
	Checked bool   // toggle-state == 1
	Toggle  string // toggle-type: "", "checkmark", "radio"
}

// layout is one node of com.canonical.dbusmenu.GetLayout, (ia{sv}av).
type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant // each a layout
}

// entries lists the node's children.
func (l layout) entries() ([]MenuEntry, error) {
	entries := make([]MenuEntry, 0, len(l.Children))
	for _, v := range l.Children {
		var child layout
		if err := dbus.Store([]any{v.Value()}, &child); err != nil {
			return nil, fmt.Errorf("menu entry %v: %w", v, err)
		}
		entries = append(entries, child.entry())
	}
	return entries, nil
}

// entry reads the node's properties, with the defaults of the dbusmenu
// spec for the ones left out.
func (l layout) entry() MenuEntry {
	e := MenuEntry{
		ID:      l.ID,
		Label:   stripMnemonics(stringProp(l.Props, "label")),
		Type:    stringProp(l.Props, "type"),
		Enabled: boolProp(l.Props, "enabled", true),
		Visible: boolProp(l.Props, "visible", true),
		Checked: intProp(l.Props, "toggle-state", -1) == 1,
		Toggle:  stringProp(l.Props, "toggle-type"),
	}
	if e.Type == "standard" {
		e.Type = ""
	}
	return e
}

// stripMnemonics removes dbusmenu's access-key markers: "_" before the
// key's letter, "__" for an underscore.
func stripMnemonics(label string) string {
	var b strings.Builder
	for i := 0; i < len(label); i++ {
		if label[i] == '_' {
			if i+1 < len(label) && label[i+1] == '_' {
				b.WriteByte('_')
				i++
			}
			continue
		}
		b.WriteByte(label[i])
	}
	return b.String()
}

func stringProp(props map[string]dbus.Variant, name string) string {
	s, _ := props[name].Value().(string)
	return s
}

func boolProp(props map[string]dbus.Variant, name string, def bool) bool {
	if b, ok := props[name].Value().(bool); ok {
		return b
	}
	return def
}

// intProp reads an integer of any D-Bus width: the spec says int32, but
// items send what their language's int turns into.
func intProp(props map[string]dbus.Variant, name string, def int64) int64 {
	switch v := props[name].Value().(type) {
	case byte:
		return int64(v)
	case int16:
		return int64(v)
	case uint16:
		return int64(v)
	case int32:
		return int64(v)
	case uint32:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	}
	return def
}
