package ui

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// Languages the GUI speaks. The config's ui.language holds one of these,
// or "" to follow the system.
const (
	langEnglish = "en"
	langGerman  = "de"
)

// tr translates the GUI's strings. The English text is the message id, so
// code reads naturally and a missing translation falls back to English;
// i18n_test.go checks that every string passed to T or Tf has a German
// entry.
type tr struct {
	lang    string
	strings map[string]string // nil for English
}

func newTr(language string) tr {
	if language == "" {
		language = systemLanguage(os.Getenv, func() string { return string(lang.SystemLocale()) })
	}
	if language == langGerman {
		return tr{lang: langGerman, strings: german}
	}
	return tr{lang: langEnglish}
}

// T returns the translation of an English message.
func (l tr) T(msg string) string {
	if s, ok := l.strings[msg]; ok {
		return s
	}
	return msg
}

// Tf translates a format string, then formats it.
func (l tr) Tf(format string, args ...any) string {
	return fmt.Sprintf(l.T(format), args...)
}

// systemLanguage picks the GUI language from the environment the way
// gettext does (LC_ALL, then LC_MESSAGES, then LANG), and asks the OS
// (fyne's locale, which reads the Windows and macOS settings) when none of
// them is set.
func systemLanguage(getenv func(string) string, osLocale func() string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return languageOf(v)
		}
	}
	return languageOf(osLocale())
}

// languageOf maps a locale name ("de_DE.UTF-8", "de-AT", "C") to a
// language the GUI speaks.
func languageOf(locale string) string {
	l := strings.ToLower(locale)
	if l == "de" || strings.HasPrefix(l, "de_") || strings.HasPrefix(l, "de-") || strings.HasPrefix(l, "de.") {
		return langGerman
	}
	return langEnglish
}
