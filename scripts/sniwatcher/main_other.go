//go:build !linux

// Command sniwatcher stands in for a desktop's system tray; Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sniwatcher: linux only")
	os.Exit(2)
}
