package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// sourcePause is how long typing in a source field must pause before the
// source applies.
const sourcePause = 800 * time.Millisecond

// sourceEntry is an entry of the source settings. What is typed applies
// when the field is left, Enter is pressed or typing pauses, never per
// key: each apply restarts the proxy or the subscription, and a half-typed
// host name ("loca") would be resolved.
type sourceEntry struct {
	widget.Entry
	left func()
}

func newSourceEntry(s *settingsTab) *sourceEntry {
	e := &sourceEntry{left: s.sourceLeft}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	e.OnChanged = func(string) { s.sourceTyped() }
	e.OnSubmitted = func(string) { s.sourceLeft() }
	return e
}

// FocusLost applies what was typed.
func (e *sourceEntry) FocusLost() {
	e.Entry.FocusLost()
	e.left()
}

// fieldProblems are the lines under a source's fields that say why a value
// was not applied, by the config's field name ("upstream", "ca_file"),
// and the labels that name those fields in the form.
type fieldProblems struct {
	lines  map[string]*widget.Label
	labels map[string]string
}

func newFieldProblems() fieldProblems {
	return fieldProblems{lines: map[string]*widget.Label{}, labels: map[string]string{}}
}

// item returns the form row of field: its label, o, and its problem line
// below o.
func (f fieldProblems) item(field, label string, o fyne.CanvasObject) *widget.FormItem {
	m := message(widget.DangerImportance)
	f.lines[field], f.labels[field] = m, label
	return widget.NewFormItem(label, container.NewVBox(o, m))
}

// show puts each problem whose path starts with prefix under its field
// ("source.dialog.watch[1]" under "watch"), worded by the field's label
// rather than its path, clears the other lines, and returns the problems
// that have no line here.
func (f fieldProblems) show(l tr, prefix string, ps []hooks.Problem) (rest []hooks.Problem) {
	mine := map[string][]hooks.Problem{}
	for _, p := range ps {
		field, ok := strings.CutPrefix(p.Path, prefix)
		field, _, _ = strings.Cut(field, "[")
		if _, known := f.lines[field]; ok && known {
			mine[field] = append(mine[field], p)
			continue
		}
		rest = append(rest, p)
	}
	for field, m := range f.lines {
		showMessage(m, notSaved(l, mine[field], prefix, byLabel(f.labels[field])))
	}
	return rest
}

// clear hides every problem line.
func (f fieldProblems) clear() {
	for _, m := range f.lines {
		showMessage(m, "")
	}
}

// pbxLeg edits what both sources share about their leg to the PBX: the
// transport, the CA for TLS and the local address.
type pbxLeg struct {
	transport     *widget.Select
	caFile, local *sourceEntry
	browse        *widget.Button
	hint          *widget.Label
}

func newPBXLeg(s *settingsTab) *pbxLeg {
	l := s.u.l
	p := &pbxLeg{transport: widget.NewSelect(hooks.Transports(), nil), caFile: newSourceEntry(s), local: newSourceEntry(s)}
	p.caFile.SetPlaceHolder(l.T("none: the system's trusted CAs"))
	p.local.SetPlaceHolder(l.T("automatic"))
	// A picked file and a chosen transport are whole values: they apply
	// at once.
	p.browse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		s.openFile(func(path string) {
			p.caFile.SetText(path)
			s.applySource()
		})
	})
	p.transport.OnChanged = func(string) {
		p.showTLS()
		s.applySource()
	}
	p.hint = widget.NewLabel(l.T("Transport tls encrypts the connection to the PBX (port 5061 unless the address names one). CA file: only for a PBX certificate from a private CA (PEM); the system's trusted CAs always count. Local address: this machine's IP address towards the PBX, when it has several; automatic uses the one the route to the PBX takes."))
	p.hint.Wrapping = fyne.TextWrapWord
	p.showTLS()
	return p
}

// items are the leg's form rows, each with its problem line in probs.
func (p *pbxLeg) items(l tr, w *wheelTarget, probs fieldProblems) []*widget.FormItem {
	return []*widget.FormItem{
		probs.item("transport", l.T("Transport"), p.transport),
		probs.item("ca_file", l.T("CA file"), container.NewBorder(nil, nil, nil, p.browse, w.entry(p.caFile))),
		probs.item("local_address", l.T("Local address"), w.entry(p.local)),
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
	listen, upstream *sourceEntry
	leg              *pbxLeg
	problems         fieldProblems
	content          fyne.CanvasObject
}

func newProxyFields(s *settingsTab) proxyFields {
	l := s.u.l
	p := proxyFields{listen: newSourceEntry(s), upstream: newSourceEntry(s), leg: newPBXLeg(s), problems: newFieldProblems()}
	p.listen.SetPlaceHolder(l.Tf("e.g. %s", "127.0.0.1:5070"))
	p.upstream.SetPlaceHolder(l.Tf("e.g. %s", "pbx.example.com:5060"))
	hint := widget.NewLabel(l.T("Set the listen address as your softphone's outbound proxy. The softphone talks plain SIP to it on this machine; transport, CA file and local address are for the connection to the PBX."))
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		p.problems.item("listen", l.T("Listen on"), s.wheel.entry(p.listen)),
		p.problems.item("upstream", l.T("PBX (upstream)"), s.wheel.entry(p.upstream))}
	p.content = container.NewVBox(widget.NewForm(append(items, p.leg.items(l, &s.wheel, p.problems)...)...), hint, p.leg.hint)
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

// dialogFields edits source.dialog. The password goes to the keychain,
// on Enter or the Store button; passwordState says whether one is stored.
type dialogFields struct {
	server, domain, username, watch, expires *sourceEntry
	password                                 *widget.Entry
	leg                                      *pbxLeg
	passwordState                            *widget.Label
	problems                                 fieldProblems
	content                                  fyne.CanvasObject
}

// dialogPasswordSecret names the SIP password's keychain entry when the
// config names none.
const dialogPasswordSecret = "sip"

func newDialogFields(s *settingsTab) dialogFields {
	l := s.u.l
	d := dialogFields{server: newSourceEntry(s), domain: newSourceEntry(s), username: newSourceEntry(s),
		watch: newSourceEntry(s), expires: newSourceEntry(s), password: widget.NewPasswordEntry(),
		leg: newPBXLeg(s), passwordState: widget.NewLabel(""), problems: newFieldProblems()}
	d.server.SetPlaceHolder(l.Tf("e.g. %s", "pbx.example.com:5060"))
	d.domain.SetPlaceHolder(l.T("default: the server's host"))
	d.username.SetPlaceHolder(l.Tf("e.g. %s", "1002"))
	d.watch.SetPlaceHolder(l.Tf("e.g. %s", "1002, 1003"))
	d.expires.SetPlaceHolder(l.Tf("default: %s", "600"))
	d.passwordState.Wrapping = fyne.TextWrapWord
	d.password.OnSubmitted = func(string) { d.storePassword(s) }
	store := widget.NewButton(l.T("Store password"), func() { d.storePassword(s) })
	pr, w := d.problems, &s.wheel
	items := append([]*widget.FormItem{pr.item("server", l.T("Server"), w.entry(d.server))}, d.leg.items(l, w, pr)...)
	d.content = container.NewVBox(widget.NewForm(append(items,
		pr.item("domain", l.T("Domain"), w.entry(d.domain)),
		pr.item("username", l.T("User name"), w.entry(d.username)),
		pr.item("password_secret", l.T("Password"), container.NewBorder(nil, nil, nil, store, w.entry(d.password))),
		widget.NewFormItem("", d.passwordState),
		pr.item("watch", l.T("Watch extensions"), w.entry(d.watch)),
		pr.item("expires", l.T("Expires (s)"), w.entry(d.expires)))...), d.leg.hint)
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
}

// showPassword says whether a password is stored for the keychain entry
// the config names. The Backend cannot look into the keychain, so a
// stored password is known only when it was stored in this session
// (stored names its entry); otherwise the line says that stored
// passwords are not shown rather than guess.
func (d dialogFields) showPassword(l tr, name, stored string) {
	switch {
	case name == "":
		d.password.SetPlaceHolder("")
		d.passwordState.SetText(l.T("No password stored yet: type it and press Enter."))
	case name == stored:
		d.password.SetPlaceHolder(l.T("stored in the keychain"))
		d.passwordState.SetText(l.Tf("A password is stored in the keychain as %s.", name))
	default:
		d.password.SetPlaceHolder("")
		d.passwordState.SetText(l.T("Stored passwords are not shown: type a new one and press Enter to replace it."))
	}
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
// background and names it in the config. The tab may have been rebuilt
// (another language) meanwhile: the outcome goes to the one shown then.
func (d dialogFields) storePassword(s *settingsTab) {
	pw := d.password.Text
	if pw == "" {
		return
	}
	name := orDefault(s.u.cfg.Source.Dialog.PasswordSecret, dialogPasswordSecret)
	s.u.spawn(func() {
		err := s.u.b.SetSecret(name, pw)
		s.u.do(func() {
			cur := s.u.settings
			if err != nil {
				cur.dialog.passwordState.SetText(s.u.l.Tf("Could not store the password in the keychain: %v", s.u.l.errText(err)))
				return
			}
			d.password.SetText("")
			cur.storedSecret = name
			cfg := s.u.cfg.Clone()
			cfg.Source.Dialog.PasswordSecret = name
			if err := s.u.commit(cfg); err != nil {
				showMessage(cur.problems, s.u.l.Tf("Could not save the settings: %v", s.u.l.errText(err)))
			}
			cur.dialog.showPassword(s.u.l, s.u.cfg.Source.Dialog.PasswordSecret, cur.storedSecret)
		})
	})
}

// queueList edits the queue rules.
type queueList struct {
	s       *settingsTab
	box     *fyne.Container
	rows    []*queueRow
	problem *widget.Label
	content fyne.CanvasObject
}

type queueRow struct {
	name, numbers, prefix, header *widget.Entry
	obj                           fyne.CanvasObject
}

func newQueueList(s *settingsTab) *queueList {
	q := &queueList{s: s, box: container.NewVBox(), problem: message(widget.DangerImportance)}
	add := widget.NewButtonWithIcon(s.u.l.T("Add queue"), theme.ContentAddIcon(), func() {
		q.add(hooks.Queue{Name: s.u.l.T("Queue")})
		q.save()
	})
	hint := widget.NewLabel(s.u.l.T("A call is a queue call when it was dialled to one of the numbers, its caller name starts with the prefix, or it carries the SIP header."))
	hint.Wrapping = fyne.TextWrapWord
	q.content = container.NewVBox(q.box, q.problem, container.NewHBox(add), hint)
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
	changed := func(string) { q.save() }
	r.name.OnChanged, r.numbers.OnChanged, r.prefix.OnChanged, r.header.OnChanged = changed, changed, changed, changed
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range q.rows {
			if x == r {
				q.rows = append(q.rows[:i], q.rows[i+1:]...)
			}
		}
		q.box.Remove(r.obj)
		q.save()
	})
	w := &q.s.wheel
	r.obj = container.NewBorder(nil, nil, nil, remove, container.NewGridWithColumns(4, w.entry(r.name), w.entry(r.numbers), w.entry(r.prefix), w.entry(r.header)))
	q.rows = append(q.rows, r)
	q.box.Add(r.obj)
}

// save saves the queues on their own, their problems under the list.
func (q *queueList) save() {
	q.s.saveSetting(q.problem, "queues", q.problemText, func(cfg *hooks.Config) { cfg.Queues = q.value() })
}

// problemText words a problem of the queues for the line under them: the
// queue by its place in the list, then the problem, led by its column
// when it has no subject of its own ("Queue 3: Name is required").
func (q *queueList) problemText(p hooks.Problem) string {
	l := q.s.u.l
	rest, _ := strings.CutPrefix(p.Path, "queues[")
	i, field, ok := strings.Cut(rest, "].")
	n, err := strconv.Atoi(i)
	if !ok || err != nil {
		return p.Message
	}
	field, _, _ = strings.Cut(field, "[")
	column := map[string]string{"name": l.T("Name"), "numbers": l.T("Numbers"),
		"display_prefix": l.T("Caller name prefix"), "header": l.T("SIP header")}[field]
	return l.Tf("Queue %d:", n+1) + " " + named(column, p.Message)
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
