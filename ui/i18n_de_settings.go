package ui

// German for the Settings tab's hints, problem wording, source status and
// password state (issue #11), kept apart from i18n_de.go so these strings
// change with settings_tab.go and settings_source.go.
func init() {
	for k, v := range map[string]string{
		"e.g. %s":                    "z. B. %s",
		"default: %s":                "Standard: %s",
		"default: the server's host": "Standard: der Host des Servers",
		"Numbers":                    "Nummern",
		"Queue %d:":                  "Warteschlange %d:",
		"Not started: this source starts once the settings below are complete.":         "Nicht gestartet: Diese Quelle startet, sobald die Einstellungen unten vollständig sind.",
		"A password is stored in the keychain as %s.":                                   "Im Schlüsselbund ist ein Passwort als %s gespeichert.",
		"No password stored yet: type it and press Enter.":                              "Noch kein Passwort gespeichert: Geben Sie es ein und drücken Sie die Eingabetaste.",
		"Stored passwords are not shown: type a new one and press Enter to replace it.": "Gespeicherte Passwörter werden nicht angezeigt: Geben Sie ein neues ein und drücken Sie die Eingabetaste, um es zu ersetzen.",
	} {
		german[k] = v
	}
}
