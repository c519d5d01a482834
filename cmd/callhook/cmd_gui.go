package main

import "fmt"

// TEMPORARY until the GUI lands.
func startGUI(p paths, std stdio) int {
	fmt.Fprintln(std.err, "callhook: the desktop app is not built yet; use `callhook run`")
	return exitFailure
}
