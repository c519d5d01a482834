//go:build !windows

package agent

import (
	"os/exec"
	"syscall"
)

// terminate asks a process to end.
func terminate(cmd *exec.Cmd) { _ = cmd.Process.Signal(syscall.SIGTERM) }
