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

		// The global switch (hooks_tab.go, calls_tab.go).
		"All hooks are switched off: none fires, not even for a simulated call.": "Alle Hooks sind ausgeschaltet: Keiner löst aus, auch nicht bei einem simulierten Anruf.",
		"Turn hooks on": "Hooks einschalten",
		"No hook fired for this call: all hooks are switched off.": "Für diesen Anruf hat kein Hook ausgelöst: Alle Hooks sind ausgeschaltet.",

		// Test (hooks_tab.go).
		"Testing with sample data (%s)…":    "Teste mit Beispieldaten (%s) …",
		"Delivered":                         "Zugestellt",
		"Not delivered":                     "Nicht zugestellt",
		"Not opened":                        "Nicht geöffnet",
		"Opened %s in the default browser.": "%s im Standardbrowser geöffnet.",
		"Opened in the default browser.":    "Im Standardbrowser geöffnet.",

		// Simulate a call (hooks_simulate.go).
		"Simulate":                                   "Simulieren",
		"Number":                                     "Nummer",
		"optional":                                   "optional",
		"none: a direct call":                        "keine: ein direkter Anruf",
		"Enter the number of the other party.":       "Geben Sie die Nummer der Gegenstelle ein.",
		"A queue name makes it a queue call.":        "Mit einer Warteschlange wird es ein Warteschlangen-Anruf.",
		"Simulating an incoming call from %s…":       "Simuliere einen eingehenden Anruf von %s …",
		"Simulating an outgoing call to %s…":         "Simuliere einen ausgehenden Anruf an %s …",
		"Simulating a call of the queue %s from %s…": "Simuliere einen Anruf der Warteschlange %s von %s …",
		"The simulated call rings for %d s, is answered and ends %d s later: the Calls tab shows what fired.": "Der simulierte Anruf klingelt %d s, wird angenommen und endet %d s später; der Reiter Anrufe zeigt, was ausgelöst hat.",
		"No hook fires: all hooks are switched off.":                                                          "Kein Hook löst aus: Alle Hooks sind ausgeschaltet.",
		"No hook fires: no switched-on hook fires on \"%s\".":                                                 "Kein Hook löst aus: Kein eingeschalteter Hook löst bei „%s“ aus.",

		// The editor's country code warning (editor_e164.go).
		"No country code is set, so |e164 leaves national numbers such as 030 1234567 as they are instead of making them +49…: set the country code in Settings.": "Es ist keine Ländervorwahl eingestellt, daher lässt |e164 nationale Nummern wie 030 1234567 unverändert, statt +49… daraus zu machen: Stellen Sie die Ländervorwahl in den Einstellungen ein.",
		"Header %s: %s": "Header %s: %s",
	} {
		german[k] = v
	}
}
