// Command callhook fires webhooks on the agent's SIP calls: with no
// arguments the desktop app (tray + window), with a subcommand the headless
// CLI. See `callhook help`.
package main

import (
	"os"

	"github.com/callhook/callhook/hooks"
	// Before fyne reads the locale: see the package doc.
	_ "github.com/callhook/callhook/internal/clocale"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	hooks.Version = version
	os.Exit(run(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}
