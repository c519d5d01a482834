package ui

// German for the country code setting, added to the catalogue of
// i18n_de.go.
func init() {
	for k, v := range map[string]string{
		"e.g. 49": "z. B. 49",
	} {
		german[k] = v
	}
}
