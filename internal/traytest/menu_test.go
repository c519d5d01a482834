//go:build linux

package traytest

import (
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestStripMnemonics(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Show", "Show"},
		{"marker", "_Quit", "Quit"},
		{"marker inside", "Hooks _on", "Hooks on"},
		{"doubled is an underscore", "snake__case", "snake_case"},
		{"trailing marker", "Show_", "Show"},
		{"empty", "", ""},
		{"utf-8", "Ö_ffnen", "Öffnen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripMnemonics(tc.in); got != tc.want {
				t.Errorf("stripMnemonics(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLayoutEntry(t *testing.T) {
	props := func(kv ...any) map[string]dbus.Variant {
		m := map[string]dbus.Variant{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = dbus.MakeVariant(kv[i+1])
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		props map[string]dbus.Variant
		want  MenuEntry
	}{
		{"defaults", props(), MenuEntry{ID: 7, Enabled: true, Visible: true}},
		{"label", props("label", "_Show"), MenuEntry{ID: 7, Label: "Show", Enabled: true, Visible: true}},
		{"standard type reads as empty", props("type", "standard"), MenuEntry{ID: 7, Enabled: true, Visible: true}},
		{"separator", props("type", "separator"), MenuEntry{ID: 7, Type: "separator", Enabled: true, Visible: true}},
		{"disabled and hidden", props("enabled", false, "visible", false), MenuEntry{ID: 7}},
		{"checked int32", props("toggle-type", "checkmark", "toggle-state", int32(1)),
			MenuEntry{ID: 7, Enabled: true, Visible: true, Toggle: "checkmark", Checked: true}},
		{"checked int64", props("toggle-type", "radio", "toggle-state", int64(1)),
			MenuEntry{ID: 7, Enabled: true, Visible: true, Toggle: "radio", Checked: true}},
		{"unchecked", props("toggle-type", "checkmark", "toggle-state", int32(0)),
			MenuEntry{ID: 7, Enabled: true, Visible: true, Toggle: "checkmark"}},
		{"indeterminate", props("toggle-type", "checkmark", "toggle-state", int32(-1)),
			MenuEntry{ID: 7, Enabled: true, Visible: true, Toggle: "checkmark"}},
		{"wrong type falls back", props("enabled", "yes", "label", 3),
			MenuEntry{ID: 7, Enabled: true, Visible: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (layout{ID: 7, Props: tc.props}).entry(); got != tc.want {
				t.Errorf("entry() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLayoutEntriesFromTheWire(t *testing.T) {
	// Children arrive as variants holding the struct as a []any.
	child := func(id int32, label string) dbus.Variant {
		return dbus.MakeVariant([]any{id, map[string]dbus.Variant{"label": dbus.MakeVariant(label)}, []dbus.Variant{}})
	}
	root := layout{Children: []dbus.Variant{child(1, "Show"), child(2, "Quit")}}
	got, err := root.entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != 1 || got[0].Label != "Show" || got[1].ID != 2 || got[1].Label != "Quit" {
		t.Errorf("entries() = %+v", got)
	}
	bad := layout{Children: []dbus.Variant{dbus.MakeVariant("not a layout")}}
	if _, err := bad.entries(); err == nil {
		t.Error("a child that is no layout was read")
	}
}
