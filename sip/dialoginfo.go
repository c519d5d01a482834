package sip

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/callhook/callhook/call"
)

// DialogInfoType is the RFC 4235 body type a dialog subscription accepts.
const DialogInfoType = "application/dialog-info+xml"

// MaxDialogInfoSize bounds a dialog-info document. A PBX lists every
// dialog of the entity, ended ones included, so real documents grow to a
// few kilobytes; anything near this limit is not a phone's call state.
const MaxDialogInfoSize = 256 << 10

// Dialog-info parse errors.
var (
	ErrDialogInfoTooLarge = errors.New("dialog-info document too large")
	ErrNotDialogInfo      = errors.New("not a dialog-info document")
)

// Document states (RFC 4235 section 4.1.1).
const (
	DocFull    = "full"
	DocPartial = "partial"
)

// Dialog states (RFC 4235 section 3.7.1), lower-cased.
const (
	DialogTrying     = "trying"
	DialogProceeding = "proceeding"
	DialogEarly      = "early"
	DialogConfirmed  = "confirmed"
	DialogTerminated = "terminated"
)

// Dialog directions: the watched entity placed the call (initiator) or
// receives it (recipient).
const (
	DirInitiator = "initiator"
	DirRecipient = "recipient"
)

// DialogInfo is one parsed dialog-info document. The zero value stands for
// an empty body, which notifiers send before they know any state.
type DialogInfo struct {
	Entity  string
	Version uint64
	// State is DocFull or DocPartial.
	State   string
	Dialogs []DialogElem
}

// Empty reports whether the document came from an empty body.
func (d DialogInfo) Empty() bool { return d.Entity == "" && d.State == "" && len(d.Dialogs) == 0 }

// DialogElem is one <dialog> element. Every string came from the network.
type DialogElem struct {
	// ID is the dialog's id attribute; CallID its call-id attribute, the
	// SIP Call-ID, which may differ (Kamailio sends "padi-..." ids).
	ID        string
	CallID    string
	LocalTag  string
	RemoteTag string
	// Direction is DirInitiator, DirRecipient or empty.
	Direction string
	// State is one of the Dialog* states, lower-cased.
	State string
	// Event and Code are the terminated state's attributes ("rejected",
	// 486), lower-cased; empty and 0 when absent.
	Event string
	Code  int
	// Local is the watched entity's side, Remote the other party.
	Local, Remote call.Party
	// LocalTarget and RemoteTarget are the user parts of the targets.
	LocalTarget, RemoteTarget string
}

// Key identifies the dialog within its entity's documents.
func (e DialogElem) Key() string {
	if e.ID != "" {
		return e.ID
	}
	return e.CallID + ";" + e.LocalTag + ";" + e.RemoteTag
}

// CallKey is the tracker call ID: the SIP Call-ID when the notifier tells
// it, the dialog id otherwise.
func (e DialogElem) CallKey() string {
	if e.CallID != "" {
		return e.CallID
	}
	return e.ID
}

// xmlDialogInfo mirrors the schema with namespace-free tags, so that any
// namespace or prefix a notifier uses matches on local names alone.
type xmlDialogInfo struct {
	XMLName xml.Name    `xml:"dialog-info"`
	Entity  string      `xml:"entity,attr"`
	Version string      `xml:"version,attr"`
	State   string      `xml:"state,attr"`
	Dialogs []xmlDialog `xml:"dialog"`
}

type xmlDialog struct {
	ID        string      `xml:"id,attr"`
	CallID    string      `xml:"call-id,attr"`
	LocalTag  string      `xml:"local-tag,attr"`
	RemoteTag string      `xml:"remote-tag,attr"`
	Direction string      `xml:"direction,attr"`
	State     xmlState    `xml:"state"`
	Local     xmlEndpoint `xml:"local"`
	Remote    xmlEndpoint `xml:"remote"`
}

type xmlState struct {
	Event string `xml:"event,attr"`
	Code  string `xml:"code,attr"`
	Value string `xml:",chardata"`
}

type xmlEndpoint struct {
	Identity struct {
		Display string `xml:"display,attr"`
		Value   string `xml:",chardata"`
	} `xml:"identity"`
	Target struct {
		URI string `xml:"uri,attr"`
	} `xml:"target"`
}

// ParseDialogInfo parses an RFC 4235 document. An empty (or blank) body
// is the zero DialogInfo. Unknown elements and attributes are ignored,
// element names match whatever their namespace, and state names match in
// any case.
func ParseDialogInfo(body []byte) (DialogInfo, error) {
	if len(body) > MaxDialogInfoSize {
		return DialogInfo{}, fmt.Errorf("parse dialog-info: %d bytes: %w", len(body), ErrDialogInfoTooLarge)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return DialogInfo{}, nil
	}
	var doc xmlDialogInfo
	dec := xml.NewDecoder(bytes.NewReader(body))
	// Documents declare encodings such as ISO-8859-1; their dialog-info
	// content is ASCII in practice, so read them as they are.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := dec.Decode(&doc); err != nil {
		return DialogInfo{}, fmt.Errorf("parse dialog-info: %w", errors.Join(ErrNotDialogInfo, err))
	}
	info := DialogInfo{
		Entity: strings.TrimSpace(doc.Entity),
		State:  strings.ToLower(strings.TrimSpace(doc.State)),
	}
	if info.State != DocPartial {
		// RFC 4235 makes state mandatory; a document without a valid one
		// is treated as the safer full state.
		info.State = DocFull
	}
	if v := strings.TrimSpace(doc.Version); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return DialogInfo{}, fmt.Errorf("parse dialog-info version %q: %w", v, ErrNotDialogInfo)
		}
		info.Version = n
	}
	for _, d := range doc.Dialogs {
		info.Dialogs = append(info.Dialogs, d.elem())
	}
	return info, nil
}

func (d xmlDialog) elem() DialogElem {
	e := DialogElem{
		ID:           strings.TrimSpace(d.ID),
		CallID:       strings.TrimSpace(d.CallID),
		LocalTag:     strings.TrimSpace(d.LocalTag),
		RemoteTag:    strings.TrimSpace(d.RemoteTag),
		Direction:    strings.ToLower(strings.TrimSpace(d.Direction)),
		State:        strings.ToLower(strings.TrimSpace(d.State.Value)),
		Event:        strings.ToLower(strings.TrimSpace(d.State.Event)),
		Local:        d.Local.party(),
		Remote:       d.Remote.party(),
		LocalTarget:  uriUser(d.Local.Target.URI),
		RemoteTarget: uriUser(d.Remote.Target.URI),
	}
	if c, err := strconv.Atoi(strings.TrimSpace(d.State.Code)); err == nil && c >= 100 && c < 700 {
		e.Code = c
	}
	return e
}

func (p xmlEndpoint) party() call.Party {
	return call.Party{
		Number: uriUser(p.Identity.Value),
		Name:   strings.TrimSpace(p.Identity.Display),
	}
}

// uriUser returns the user part of a sip:, sips: or tel: URI (optionally
// in angle brackets), percent-decoded; "" when there is none.
func uriUser(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return ""
	}
	var user string
	switch strings.ToLower(strings.TrimSpace(scheme)) {
	case "sip", "sips":
		u, _, ok := strings.Cut(rest, "@")
		if !ok {
			return ""
		}
		// A password after the user part is not part of the number.
		user, _, _ = strings.Cut(u, ":")
		user, _, _ = strings.Cut(user, ";")
	case "tel":
		user, _, _ = strings.Cut(rest, ";")
	default:
		return ""
	}
	if dec, err := url.PathUnescape(user); err == nil {
		user = dec
	}
	return strings.TrimSpace(user)
}
