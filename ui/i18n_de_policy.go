package ui

// German for the administrator's policy in the window: managed hooks in
// the list and the editor, the locked switch and source in Settings, and
// the policy's line there. The policy's own messages (hosts it refuses,
// managed hooks it locks) are in i18n_de_msgs.go.
func init() {
	for k, v := range map[string]string{
		// The Hooks tab (hooks_policy.go).
		"All hooks are switched off by your administrator's policy: none fires, not even for a simulated call.": "Alle Hooks sind durch die Richtlinie Ihrer Administration ausgeschaltet: Keiner löst aus, auch nicht bei einem simulierten Anruf.",
		"Managed by your administrator":                                             "Von Ihrer Administration verwaltet",
		"Switched off by your administrator's policy.":                              "Durch die Richtlinie Ihrer Administration ausgeschaltet.",
		"Your administrator's policy keeps this hook on: you cannot switch it off.": "Die Richtlinie Ihrer Administration hält diesen Hook eingeschaltet: Sie können ihn nicht ausschalten.",

		// The editor, read-only (editor_policy.go).
		"Managed by your administrator: this hook comes from the policy and cannot be changed here.": "Von Ihrer Administration verwaltet: Dieser Hook stammt aus der Richtlinie und kann hier nicht geändert werden.",

		// Settings (settings_policy.go).
		"Administrator's policy": "Richtlinie der Administration",
		"Switched off by your administrator's policy: no hook fires, whatever this switch says.": "Durch die Richtlinie Ihrer Administration ausgeschaltet: Kein Hook löst aus, egal was dieser Schalter sagt.",
		"Set by your administrator's policy: these settings cannot be changed here.":             "Durch die Richtlinie Ihrer Administration festgelegt: Diese Einstellungen können hier nicht geändert werden.",

		// Simulate (hooks_simulate.go).
		"No hook fired for this call: your administrator's policy switches all hooks off.": "Für diesen Anruf hat kein Hook ausgelöst: Die Richtlinie Ihrer Administration schaltet alle Hooks aus.",
		"No hook fires: your administrator's policy switches all hooks off.":               "Kein Hook löst aus: Die Richtlinie Ihrer Administration schaltet alle Hooks aus.",

		// The tray (policy_tray.go).
		"Hooks off: switched off by your administrator":      "Hooks aus: von Ihrer Administration ausgeschaltet",
		"Callhook: hooks switched off by your administrator": "Callhook: Hooks von Ihrer Administration ausgeschaltet",

		// The policy's line (policy.go).
		"In force: %s":                         "In Kraft: %s",
		"No policy in force.":                  "Keine Richtlinie in Kraft.",
		"From %s":                              "Aus %s",
		"Policy file: %s":                      "Richtliniendatei: %s",
		"Provisioning URL: %s":                 "Provisionierungs-URL: %s",
		"fetched %s":                           "abgerufen %s",
		"last answered %s":                     "zuletzt geantwortet %s",
		"Last error: %s":                       "Letzter Fehler: %s",
		"The last good policy stays in force.": "Die letzte gültige Richtlinie bleibt in Kraft.",
		"The URL has not answered since: its policy in force is the copy cached on this computer.": "Die URL hat seitdem nicht geantwortet: In Kraft ist die auf diesem Computer zwischengespeicherte Kopie ihrer Richtlinie.",
		"no restrictions":    "keine Einschränkungen",
		"hooks switched off": "Hooks ausgeschaltet",
		"no host allowed":    "kein Host erlaubt",
		"hosts %s":           "Hosts %s",
		"1 managed hook":     "1 verwalteter Hook",
		"%d managed hooks":   "%d verwaltete Hooks",
		"call source fixed":  "Anrufquelle festgelegt",
	} {
		german[k] = v
	}
}
