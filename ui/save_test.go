package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/callhook/callhook/hooks"
)

// A save that fails shows a banner; the next save that works takes it
// away again, so the window does not claim a failure that is over.
func TestSaveFailureBannerClearsOnNextSave(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	fail := true
	h.b.SaveFn = func(cfg *hooks.Config) error {
		if fail {
			return errors.New("disk full")
		}
		return nil
	}
	h.u.setGlobal(false)
	h.settle()
	if msg := h.u.banner.message(); !strings.Contains(msg, "disk full") {
		t.Fatalf("banner after a failed save = %q, want the failure", msg)
	}
	fail = false
	h.u.setGlobal(true)
	h.settle()
	if msg := h.u.banner.message(); msg != "" {
		t.Errorf("banner after a save that worked = %q, want none", msg)
	}
}
