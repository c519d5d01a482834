package ui

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/callhook/callhook/hooks"
)

// handle applies one backend event on the UI goroutine.
func (u *UI) handle(e Event) {
	switch e.Kind {
	case DeliveryDone:
		switch e.Delivery.State {
		case hooks.StateFailed:
			u.lastFailed = true
			if u.notifyEnabled() && !u.opts.AgentNotifies {
				u.app.SendNotification(u.failureNotice(e))
			}
		case hooks.StateDelivered:
			u.lastFailed = false
		}
		u.calls.changed()
	case SourceChanged:
		u.source = e.Source
		u.settings.showStatus()
	case CallsChanged:
		u.calls.changed()
	case ShowWindow:
		u.show()
	case PolicyChanged:
		u.fetchPolicy()
	}
	if u.tray != nil {
		u.tray.update()
	}
}

// notifyEnabled is the "notify on failed deliveries" setting, on unless
// turned off.
func (u *UI) notifyEnabled() bool {
	return u.cfg.UI.Notify == nil || *u.cfg.UI.Notify
}

// failureNotice words a failed delivery for a desktop notification.
func (u *UI) failureNotice(e Event) *fyne.Notification {
	title, body := failureText(u.l, e)
	return fyne.NewNotification(title, body)
}

// failureText words a failed delivery for a notification. The remote
// party's name and number come from the network and the error text may
// quote a server, so all of it is sanitised.
func failureText(l tr, e Event) (title, body string) {
	d := e.Delivery
	name := d.HookName
	if name == "" {
		name = d.HookID
	}
	reason := l.Msg(d.Err)
	if d.StatusCode != 0 {
		reason = fmt.Sprintf("HTTP %d", d.StatusCode)
	}
	remote := e.Call.Remote()
	who := remote.Number
	if remote.Name != "" {
		who = remote.Name + " " + remote.Number
	}
	body = l.Tf("%s failed for the call with %s: %s",
		sanitizeNotice(name, maxNoticeText), sanitizeNotice(who, maxNoticeText), sanitizeNotice(reason, 2*maxNoticeText))
	return l.T("Webhook failed"), body
}

// setGlobal turns all hooks on or off (the config's "enabled").
func (u *UI) setGlobal(on bool) {
	cfg := u.cfg.Clone()
	cfg.Enabled = on
	if err := u.commit(cfg); err != nil {
		u.banner.show(bannerError, u.l.Tf("Could not save the settings: %v", err), "", nil)
		return
	}
	u.refresh()
}
