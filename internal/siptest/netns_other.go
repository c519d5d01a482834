//go:build unix && !linux

package siptest

import (
	"errors"
	"os/exec"
)

// ErrNetns reports a network namespace that cannot be entered: only
// Linux has them.
var ErrNetns = errors.New("network namespace unavailable")

// InNS runs fn; a namespace other than the host's needs Linux.
func InNS(ns string, fn func() error) error {
	if ns != "" {
		return ErrNetns
	}
	return fn()
}

// Command runs name on the host; ns must be empty off Linux.
func Command(ns, name string, args ...string) *exec.Cmd {
	if ns == "" {
		return exec.Command(name, args...)
	}
	return exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
}
