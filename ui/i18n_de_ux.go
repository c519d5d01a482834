package ui

// German for the warning about input left unsaved in another tab.
func init() {
	for k, v := range map[string]string{
		"You left unsaved input in %s: it is kept there until you finish or undo it.": "Sie haben ungespeicherte Eingaben in %s zurückgelassen: Sie bleiben dort, bis Sie sie abschließen oder rückgängig machen.",
		"You left unsaved input in %s: it is kept there until you finish it.":         "Sie haben ungespeicherte Eingaben in %s zurückgelassen: Sie bleiben dort, bis Sie sie abschließen.",
		"Go back": "Zurück",
	} {
		german[k] = v
	}
}
