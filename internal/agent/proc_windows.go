package agent

import "os/exec"

// terminate ends a process: Windows has no SIGTERM for console-less
// programs; the window quits by itself when the control API goes away,
// so this only runs after it did not.
func terminate(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
