package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// pbxLeg edits what both sources share about their leg to the PBX: the
// transport, the CA for TLS and the local address.
type pbxLeg struct {
	transport     *widget.Select
	caFile, local *widget.Entry
	browse        *widget.Button
	hint          *widget.Label
}

func newPBXLeg(s *settingsTab) *pbxLeg {
	l := s.u.l
	p := &pbxLeg{transport: widget.NewSelect(hooks.Transports(), nil), caFile: widget.NewEntry(), local: widget.NewEntry()}
	p.caFile.SetPlaceHolder(l.T("none: the system's trusted CAs"))
	p.local.SetPlaceHolder(l.T("automatic"))
	p.browse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		s.openFile(func(path string) { p.caFile.SetText(path) })
	})
	changed := func(string) { s.changed() }
	p.caFile.OnChanged, p.local.OnChanged = changed, changed
	p.transport.OnChanged = func(string) {
		p.showTLS()
		s.changed()
	}
	p.hint = widget.NewLabel(l.T("Transport tls encrypts the connection to the PBX (port 5061 unless the address names one). CA file: only for a PBX certificate from a private CA (PEM); the system's trusted CAs always count. Local address: this machine's IP address towards the PBX, when it has several; automatic uses the one the route to the PBX takes."))
	p.hint.Wrapping = fyne.TextWrapWord
	p.showTLS()
	return p
}

// items are the leg's form rows.
func (p *pbxLeg) items(l tr) []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem(l.T("Transport"), p.transport),
		widget.NewFormItem(l.T("CA file"), container.NewBorder(nil, nil, nil, p.browse, p.caFile)),
		widget.NewFormItem(l.T("Local address"), p.local),
	}
}

func (p *pbxLeg) load(transport, caFile, local string) {
	p.transport.SetSelected(orDefault(transport, hooks.TransportUDP))
	p.caFile.SetText(caFile)
	p.local.SetText(local)
	p.showTLS()
}

// value returns transport, CA file and local address. The CA file counts
// only with tls: switching to udp keeps the path in the field, so that
// switching back restores it, without making the config invalid.
func (p *pbxLeg) value() (transport, caFile, local string) {
	transport = p.transport.Selected
	if transport == hooks.TransportTLS {
		caFile = strings.TrimSpace(p.caFile.Text)
	}
	return transport, caFile, strings.TrimSpace(p.local.Text)
}

// showTLS enables the CA file only where it applies.
func (p *pbxLeg) showTLS() {
	if p.transport.Selected == hooks.TransportTLS {
		p.caFile.Enable()
		p.browse.Enable()
	} else {
		p.caFile.Disable()
		p.browse.Disable()
	}
}

// proxyFields edits source.proxy.
type proxyFields struct {
	listen, upstream *widget.Entry
	leg              *pbxLeg
	content          fyne.CanvasObject
}

func newProxyFields(s *settingsTab) proxyFields {
	l := s.u.l
	p := proxyFields{listen: widget.NewEntry(), upstream: widget.NewEntry(), leg: newPBXLeg(s)}
	p.listen.SetPlaceHolder("127.0.0.1:5070")
	p.upstream.SetPlaceHolder("pbx.example.com:5060")
	changed := func(string) { s.changed() }
	p.listen.OnChanged, p.upstream.OnChanged = changed, changed
	hint := widget.NewLabel(l.T("Set the listen address as your softphone's outbound proxy. The softphone talks plain SIP to it on this machine; transport, CA file and local address are for the connection to the PBX."))
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(l.T("Listen on"), p.listen),
		widget.NewFormItem(l.T("PBX (upstream)"), p.upstream)}
	p.content = container.NewVBox(widget.NewForm(append(items, p.leg.items(l)...)...), hint, p.leg.hint)
	return p
}

func (p proxyFields) load(v hooks.ProxySource) {
	p.listen.SetText(v.Listen)
	p.upstream.SetText(v.Upstream)
	p.leg.load(v.Transport, v.CAFile, v.LocalAddress)
}

func (p proxyFields) value() hooks.ProxySource {
	v := hooks.ProxySource{Listen: strings.TrimSpace(p.listen.Text), Upstream: strings.TrimSpace(p.upstream.Text)}
	v.Transport, v.CAFile, v.LocalAddress = p.leg.value()
	return v
}

// dialogFields edits source.dialog. The password goes to the keychain.
type dialogFields struct {
	server, domain, username, watch, expires, password *widget.Entry
	leg                                                *pbxLeg
	passwordState                                      *widget.Label
	content                                            fyne.CanvasObject
}

// dialogPasswordSecret names the SIP password's keychain entry when the
// config names none.
const dialogPasswordSecret = "sip"

func newDialogFields(s *settingsTab) dialogFields {
	l := s.u.l
	d := dialogFields{server: widget.NewEntry(), domain: widget.NewEntry(), username: widget.NewEntry(),
		watch: widget.NewEntry(), expires: widget.NewEntry(), password: widget.NewPasswordEntry(),
		leg: newPBXLeg(s), passwordState: widget.NewLabel("")}
	d.server.SetPlaceHolder("pbx.example.com:5060")
	d.domain.SetPlaceHolder("pbx.example.com")
	d.username.SetPlaceHolder("1002")
	d.watch.SetPlaceHolder("1002, 1003")
	d.expires.SetPlaceHolder("600")
	d.password.SetPlaceHolder(l.T("stored in the keychain"))
	changed := func(string) { s.changed() }
	for _, e := range []*widget.Entry{d.server, d.domain, d.username, d.watch, d.expires} {
		e.OnChanged = changed
	}
	store := widget.NewButton(l.T("Store password"), func() { d.storePassword(s) })
	items := append([]*widget.FormItem{widget.NewFormItem(l.T("Server"), d.server)}, d.leg.items(l)...)
	d.content = container.NewVBox(widget.NewForm(append(items,
		widget.NewFormItem(l.T("Domain"), d.domain),
		widget.NewFormItem(l.T("User name"), d.username),
		widget.NewFormItem(l.T("Password"), container.NewBorder(nil, nil, nil, store, d.password)),
		widget.NewFormItem("", d.passwordState),
		widget.NewFormItem(l.T("Watch extensions"), d.watch),
		widget.NewFormItem(l.T("Expires (s)"), d.expires))...), d.leg.hint)
	return d
}

func (d dialogFields) load(v hooks.DialogSource) {
	d.server.SetText(v.Server)
	d.leg.load(v.Transport, v.CAFile, v.LocalAddress)
	d.domain.SetText(v.Domain)
	d.username.SetText(v.Username)
	d.watch.SetText(strings.Join(v.Watch, ", "))
	d.expires.SetText("")
	if v.Expires != 0 {
		d.expires.SetText(strconv.Itoa(v.Expires))
	}
	d.passwordState.SetText("")
}

// value returns the fields; the password's secret name is kept from old.
func (d dialogFields) value(old hooks.DialogSource) hooks.DialogSource {
	v := hooks.DialogSource{
		Server: strings.TrimSpace(d.server.Text),
		Domain: strings.TrimSpace(d.domain.Text), Username: strings.TrimSpace(d.username.Text),
		PasswordSecret: old.PasswordSecret, Watch: splitList(d.watch.Text), Expires: atoi(d.expires.Text),
	}
	v.Transport, v.CAFile, v.LocalAddress = d.leg.value()
	return v
}

// storePassword puts the typed password into the keychain in the
// background and names it in the config.
func (d dialogFields) storePassword(s *settingsTab) {
	pw := d.password.Text
	if pw == "" {
		return
	}
	name := orDefault(s.u.cfg.Source.Dialog.PasswordSecret, dialogPasswordSecret)
	s.u.spawn(func() {
		err := s.u.b.SetSecret(name, pw)
		s.u.do(func() {
			if err != nil {
				d.passwordState.SetText(s.u.l.Tf("Could not store the password in the keychain: %v", err))
				return
			}
			d.password.SetText("")
			d.passwordState.SetText(s.u.l.Tf("Stored in the keychain as %s.", name))
			cfg := s.u.cfg.Clone()
			cfg.Source.Dialog.PasswordSecret = name
			if err := s.u.commit(cfg); err != nil {
				showMessage(s.problems, s.u.l.Tf("Could not save the settings: %v", err))
			}
		})
	})
}

// queueList edits the queue rules.
type queueList struct {
	s       *settingsTab
	box     *fyne.Container
	rows    []*queueRow
	content fyne.CanvasObject
}

type queueRow struct {
	name, numbers, prefix, header *widget.Entry
	obj                           fyne.CanvasObject
}

func newQueueList(s *settingsTab) *queueList {
	q := &queueList{s: s, box: container.NewVBox()}
	add := widget.NewButtonWithIcon(s.u.l.T("Add queue"), theme.ContentAddIcon(), func() {
		q.add(hooks.Queue{Name: s.u.l.T("Queue")})
		s.changed()
	})
	hint := widget.NewLabel(s.u.l.T("A call is a queue call when it was dialled to one of the numbers, its caller name starts with the prefix, or it carries the SIP header."))
	hint.Wrapping = fyne.TextWrapWord
	q.content = container.NewVBox(q.box, container.NewHBox(add), hint)
	return q
}

func (q *queueList) load(qs []hooks.Queue) {
	q.rows = nil
	q.box.RemoveAll()
	for _, v := range qs {
		q.add(v)
	}
}

func (q *queueList) add(v hooks.Queue) {
	l := q.s.u.l
	r := &queueRow{name: widget.NewEntry(), numbers: widget.NewEntry(), prefix: widget.NewEntry(), header: widget.NewEntry()}
	r.name.SetPlaceHolder(l.T("Name"))
	r.numbers.SetPlaceHolder(l.T("Numbers: 200, 201"))
	r.prefix.SetPlaceHolder(l.T("Caller name prefix"))
	r.header.SetPlaceHolder(l.T("SIP header"))
	r.name.SetText(v.Name)
	r.numbers.SetText(strings.Join(v.Numbers, ", "))
	r.prefix.SetText(v.DisplayPrefix)
	r.header.SetText(v.Header)
	changed := func(string) { q.s.changed() }
	r.name.OnChanged, r.numbers.OnChanged, r.prefix.OnChanged, r.header.OnChanged = changed, changed, changed, changed
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range q.rows {
			if x == r {
				q.rows = append(q.rows[:i], q.rows[i+1:]...)
			}
		}
		q.box.Remove(r.obj)
		q.s.changed()
	})
	r.obj = container.NewBorder(nil, nil, nil, remove, container.NewGridWithColumns(4, r.name, r.numbers, r.prefix, r.header))
	q.rows = append(q.rows, r)
	q.box.Add(r.obj)
}

func (q *queueList) value() []hooks.Queue {
	var out []hooks.Queue
	for _, r := range q.rows {
		out = append(out, hooks.Queue{Name: strings.TrimSpace(r.name.Text), Numbers: splitList(r.numbers.Text),
			DisplayPrefix: r.prefix.Text, Header: strings.TrimSpace(r.header.Text)})
	}
	return out
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// dialectText says, one line each, which dialog-info dialect the PBX
// speaks and which placeholders it lets Callhook fill; empty before the
// PBX has sent a document (and in proxy mode).
func dialectText(l tr, dialects string) string {
	var text string
	for d := range strings.SplitSeq(dialects, ",") {
		var line string
		switch d = strings.TrimSpace(d); d {
		case "":
			continue
		case "rfc4235":
			line = l.T("The PBX sends full RFC 4235 dialog-info: every placeholder is filled.")
		case "freeswitch":
			line = l.T("FreeSWITCH dialog-info: caller and callee known; outgoing calls have no answer time and no {outcome}.")
		case "asterisk":
			line = l.T("Asterisk extension state: no caller number — {remote} stays empty; outgoing calls have no answer time and no {outcome}. Use proxy mode when you need the number.")
		case "asterisk-cid":
			line = l.T("Asterisk extension state with caller ID: {remote} only for incoming calls; outgoing calls have no callee, no answer time and no {outcome}.")
		default:
			line = l.Tf("The PBX sends dialog-info of an unknown shape (%s): those calls are ignored.", d)
		}
		text += "\n" + line
	}
	return text
}
