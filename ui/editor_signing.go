package ui

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// signingSecret shows and generates a hook's Standard Webhooks key. The
// key goes to the keychain; the config names it.
type signingSecret struct {
	e       *editor
	name    string
	key     string // generated in this session, for copying to the receiver
	label   *widget.Label
	copyKey *widget.Button
	remove  *widget.Button
	content fyne.CanvasObject
}

func newSigningSecret(e *editor) *signingSecret {
	l := e.u.l
	s := &signingSecret{e: e, label: widget.NewLabel("")}
	s.label.Wrapping = fyne.TextWrapWord
	gen := widget.NewButton(l.T("Generate"), s.generate)
	s.copyKey = widget.NewButtonWithIcon(l.T("Copy key"), theme.ContentCopyIcon(), func() {
		e.u.app.Clipboard().SetContent(s.key)
	})
	s.remove = widget.NewButton(l.T("Remove"), func() { s.load(""); e.changed() })
	s.content = container.NewBorder(nil, nil, nil, container.NewHBox(gen, s.copyKey, s.remove), s.label)
	return s
}

func (s *signingSecret) load(name string) {
	s.name = name
	l := s.e.u.l
	if name == "" {
		s.label.SetText(l.T("None: requests are not signed."))
		s.remove.Hide()
	} else {
		s.label.SetText(l.Tf("Signed with the key stored in the keychain as %s.", name))
		s.remove.Show()
	}
	setVisible(s.copyKey, name != "" && s.key != "")
}

func (s *signingSecret) generate() {
	key, err := newSigningKey()
	if err != nil {
		s.label.SetText(err.Error())
		return
	}
	name := s.e.currentID() + "-signing"
	s.label.SetText(s.e.u.l.T("Storing the key in the keychain…"))
	s.e.keychain(name, key, func(err error) {
		if err != nil {
			s.label.SetText(s.e.u.l.Tf("Could not store the key in the keychain: %v", s.e.u.l.errText(err)))
			return
		}
		s.key = key
		s.load(name)
		s.e.changed()
	})
}

// newSigningKey returns a Standard Webhooks key: "whsec_" and 24 random
// bytes in base64.
func newSigningKey() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate signing key: %w", err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}
