// Package clocale keeps the GUI toolkit quiet on machines whose locale is
// C.UTF-8 or POSIX.UTF-8, the default of many servers and containers where
// `callhook run` is used: Fyne reads the locale while it is initialised
// and logs "Error parsing user locale C" to stderr for every command.
//
// It sets LANGUAGE=en in exactly that case (LANGUAGE unset), which Fyne's
// locale lookup prefers over LANG and which gettext ignores in a C
// locale, so nothing else changes. Import it for its side effect from
// main: Go initialises it before Fyne's lang package, because it needs
// only os and strings and sorts first among the packages that are ready.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
