package ui

// German for the editor's placeholder menu (editor_placeholders.go): the
// groups it is split into, and the descriptions package templates gives
// its placeholders in English. The descriptions are no T literals, so they
// have a map of their own; TestGermanPlaceholderDescriptions fails when
// templates gains a placeholder this map does not describe.
func init() {
	for k, v := range map[string]string{
		"Phone numbers":         "Rufnummern",
		"Names":                 "Namen",
		"The call":              "Der Anruf",
		"Start":                 "Beginn",
		"Answer, end, duration": "Annahme, Ende, Dauer",
		"More":                  "Weitere",
	} {
		german[k] = v
	}
}

// germanPlaceholders translates templates.Placeholder.Description.
var germanPlaceholders = map[string]string{
	"calling number":           "Rufnummer des Anrufers",
	"called number":            "angerufene Rufnummer",
	"the other party's number": "Rufnummer der Gegenseite",
	"the other party's number in E.164 form (+4930...)":           "Rufnummer der Gegenseite im E.164-Format (+4930...)",
	"the other party's number, digits only":                       "Rufnummer der Gegenseite, nur Ziffern",
	"the other party's display name":                              "Anzeigename der Gegenseite",
	"caller's display name":                                       "Anzeigename des Anrufers",
	"callee's display name":                                       "Anzeigename des Angerufenen",
	"your configured user name":                                   "Ihr eingestellter Benutzername",
	"in or out":                                                   "in (eingehend) oder out (ausgehend)",
	"queue name":                                                  "Name der Warteschlange",
	"stable id of the call":                                       "gleichbleibende ID des Anrufs",
	"trigger name, e.g. incoming.answer":                          "Name des Auslösers, z. B. incoming.answer",
	"call start, Unix seconds":                                    "Beginn des Anrufs, Unix-Sekunden",
	"call start, RFC 3339 UTC":                                    "Beginn des Anrufs, RFC 3339 UTC",
	"answer time, RFC 3339 UTC":                                   "Zeitpunkt der Annahme, RFC 3339 UTC",
	"end time, RFC 3339 UTC":                                      "Zeitpunkt des Endes, RFC 3339 UTC",
	"talk time in seconds":                                        "Gesprächsdauer in Sekunden",
	"talk time in milliseconds":                                   "Gesprächsdauer in Millisekunden",
	"how the call ended: answered, missed, busy, ...":             "wie der Anruf endete: answered, missed, busy, ...",
	"a SIP header of the initial INVITE":                          "ein SIP-Header des ersten INVITE",
	"a secret from the OS keychain (headers, body, URL userinfo)": "ein Geheimnis aus dem Schlüsselbund (in Header, Inhalt, URL-Benutzerdaten)",
	"the whole call record as JSON":                               "der ganze Anrufdatensatz als JSON",
	"call start as YYYY-MM-DD HH:MM:SS, UTC (also for {answer} and {end})":  "Beginn als YYYY-MM-DD HH:MM:SS, UTC (auch für {answer}, {end})",
	"call start as YYYY-MM-DDTHH:MM:SS+00:00 (also for {answer} and {end})": "Beginn als YYYY-MM-DDTHH:MM:SS+00:00 (auch für {answer}, {end})",
	"talk time as minutes:seconds, e.g. 02:35":                              "Gesprächsdauer als Minuten:Sekunden, z. B. 02:35",
}

// placeholderDesc translates a placeholder's description; one the
// catalogue lacks stays English.
func (l tr) placeholderDesc(desc string) string {
	if l.lang == langGerman {
		if s, ok := germanPlaceholders[desc]; ok {
			return s
		}
	}
	return desc
}
