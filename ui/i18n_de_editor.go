package ui

// German for the hook editor's undo (editor_undo.go), keychain wait and
// stored header values, kept apart from i18n_de.go so the editor's
// strings change with it.
func init() {
	for k, v := range map[string]string{
		"Undo changes":                    "Änderungen rückgängig machen",
		"Keep changes":                    "Änderungen behalten",
		"Keep editing":                    "Weiter bearbeiten",
		"Undo your changes to this hook?": "Ihre Änderungen an diesem Hook rückgängig machen?",
		"Undo changes returns this hook to how it was when you opened it. Keep changes leaves it as it is now.":                                                         "„Änderungen rückgängig machen“ stellt den Hook so wieder her, wie er beim Öffnen war. „Änderungen behalten“ lässt ihn, wie er jetzt ist.",
		"Undo changes removes this new hook. Keep changes leaves it as it is now.":                                                                                      "„Änderungen rückgängig machen“ entfernt diesen neuen Hook wieder. „Änderungen behalten“ lässt ihn, wie er jetzt ist.",
		"Some of your changes are not saved: the editor shows why. Undo changes returns this hook to how it was when you opened it. Keep editing lets you finish them.": "Einige Ihrer Änderungen sind nicht gespeichert; der Editor zeigt, warum. „Änderungen rückgängig machen“ stellt den Hook so wieder her, wie er beim Öffnen war. Mit „Weiter bearbeiten“ können Sie sie fertigstellen.",
		"Some of your changes are not saved: the editor shows why. Undo changes removes this new hook. Keep editing lets you finish them.":                              "Einige Ihrer Änderungen sind nicht gespeichert; der Editor zeigt, warum. „Änderungen rückgängig machen“ entfernt diesen neuen Hook wieder. Mit „Weiter bearbeiten“ können Sie sie fertigstellen.",
		"Could not undo the changes: fix the problems shown.":                                                                                                           "Die Änderungen konnten nicht rückgängig gemacht werden: Beheben Sie die angezeigten Probleme.",
		"Changes undone: the hook is as it was when you opened it.":                                                                                                     "Änderungen rückgängig gemacht: Der Hook ist wieder so, wie er beim Öffnen war.",
		"Storing in the keychain…":      "Speichere im Schlüsselbund …",
		"Stored in the keychain as %s.": "Im Schlüsselbund gespeichert als %s.",
	} {
		german[k] = v
	}
}
