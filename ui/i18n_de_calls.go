package ui

// German for the Calls tab's history: search, filter, delivery details
// and export. It sits apart from i18n_de.go so the two can change
// independently; the init merges it into the one catalogue.
func init() {
	for k, v := range map[string]string{
		"(simulated)": "(simuliert)",
		"Loading the request and the attempts…":        "Anfrage und Versuche werden geladen …",
		"The journal has no more on this delivery: %v": "Das Journal hat zu dieser Zustellung nichts weiter: %v",
		"Request as sent (secrets shown as ***)":       "Gesendete Anfrage (Geheimnisse als ***)",
		"All":                                          "Alle",
		"Attempts":                                     "Versuche",
		"Call":                                         "Anruf",
		"Close":                                        "Schließen",
		"Could not export the history: %v":             "Der Verlauf konnte nicht exportiert werden: %v",
		"Details":                                      "Details",
		// The export's save dialog (calls_save.go).
		"Export the history as CSV":  "Verlauf als CSV exportieren",
		"Folder:":                    "Ordner:",
		"Parent folder":              "Übergeordneter Ordner",
		"File name":                  "Dateiname",
		"Save":                       "Speichern",
		"Cannot read the folder: %v": "Der Ordner kann nicht gelesen werden: %v",
		"Enter a file name.":         "Geben Sie einen Dateinamen ein.",
		"Enter a file name without a folder: choose the folder above.": "Geben Sie einen Dateinamen ohne Ordner ein: den Ordner wählen Sie oben.",
		"%s is a folder: enter another name.":                          "%s ist ein Ordner: Geben Sie einen anderen Namen ein.",
		"Cannot save there: %v":                                        "Dort kann nicht gespeichert werden: %v",
		"%s exists already. Replace it?":                               "%s gibt es schon. Ersetzen?",
		"Replace the file?":                                            "Datei ersetzen?",
		"Replace":                                                      "Ersetzen",
		"Export CSV":                                                   "Als CSV exportieren",
		"History exported to %s.":                                      "Verlauf nach %s exportiert.",
		"Failed deliveries":                                            "Fehlgeschlagene Zustellungen",
		"HTTP status":                                                  "HTTP-Status",
		"Hook":                                                         "Hook",
		"Latency":                                                      "Antwortzeit",
		"None of the last %d calls matches.":                           "Keiner der letzten %d Anrufe passt.",
		"Search by number or name":                                     "Nach Nummer oder Name suchen",
		"State":                                                        "Zustand",
		"Time":                                                         "Zeit",
		"Trigger":                                                      "Auslöser",
		"Webhook ID":                                                   "Webhook-ID",
		"answered":                                                     "angenommen",
		"answered elsewhere":                                           "anderswo angenommen",
		"busy":                                                         "besetzt",
		"cancelled":                                                    "abgebrochen",
		"delivered":                                                    "zugestellt",
		"failed":                                                       "fehlgeschlagen",
		"missed":                                                       "verpasst",
		"pending":                                                      "ausstehend",
		"rejected":                                                     "abgelehnt",
		"skipped":                                                      "übersprungen",
	} {
		german[k] = v
	}
}
