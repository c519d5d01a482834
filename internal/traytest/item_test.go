//go:build linux

package traytest

import (
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestParseItemID(t *testing.T) {
	for _, tc := range []struct {
		name, sender, id string
		wantName         string
		wantPath         dbus.ObjectPath
		wantErr          bool
	}{
		{"path is the sender's", ":1.5", "/StatusNotifierItem", ":1.5", "/StatusNotifierItem", false},
		{"other path", ":1.5", "/org/ayatana/x", ":1.5", "/org/ayatana/x", false},
		{"bus name at the default path", ":1.5", "org.kde.StatusNotifierItem-12-1", "org.kde.StatusNotifierItem-12-1", "/StatusNotifierItem", false},
		{"unique name", ":1.5", ":1.9", ":1.9", "/StatusNotifierItem", false},
		{"listed id", "", ":1.9/StatusNotifierItem", ":1.9", "/StatusNotifierItem", false},
		{"empty", ":1.5", "", "", "", true},
		{"path without sender", "", "/StatusNotifierItem", "", "", true},
		{"bad path", ":1.5", "/a//b", "", "", true},
		{"root path", "", ":1.9/", ":1.9", "/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, path, err := parseItemID(tc.sender, tc.id)
			if tc.wantErr {
				if err == nil {
					t.Errorf("parseItemID(%q, %q) = %q, %q, want an error", tc.sender, tc.id, name, path)
				}
				return
			}
			if err != nil || name != tc.wantName || path != tc.wantPath {
				t.Errorf("parseItemID(%q, %q) = %q, %q, %v, want %q, %q", tc.sender, tc.id, name, path, err, tc.wantName, tc.wantPath)
			}
		})
	}
}
