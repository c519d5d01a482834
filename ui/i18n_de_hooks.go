package ui

// German for the Hooks tab (list, Test, Simulate), the main menu and
// the editor's country code warning, kept apart from i18n_de.go so these
// strings change with their code.
func init() {
	for k, v := range map[string]string{
		// The main menu (keys.go).
		"File":         "Datei",
		"View":         "Ansicht",
		"Close window": "Fenster schließen",
	} {
		german[k] = v
	}
}
