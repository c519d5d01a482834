//go:build unix && !linux

package sip

import (
	"testing"

	"github.com/callhook/callhook/internal/siptest"
)

// startTLSDialogPBX needs siptest's certificates, built on Linux only.
func startTLSDialogPBX(t *testing.T, _ siptest.Binaries) (*siptest.Kamailio, string, string) {
	t.Skip("TLS end-to-end tests run on Linux")
	return nil, "", ""
}
