package agent

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// notify shows a desktop notification through the freedesktop
// notification service on the session bus. Servers that read markup in
// the body get it escaped: a caller's name such as "<a href=...>" stays
// text.
func notify(title, body string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	var caps []string
	if err := obj.CallWithContext(ctx, "org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps); err != nil {
		return err
	}
	if slices.Contains(caps, "body-markup") {
		body = markupEscaper.Replace(body)
	}
	return obj.CallWithContext(ctx, "org.freedesktop.Notifications.Notify", 0,
		"Callhook", uint32(0), "", title, body, []string{}, map[string]dbus.Variant{}, int32(-1)).Err
}

var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
