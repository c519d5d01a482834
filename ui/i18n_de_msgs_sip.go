package ui

// germanSipMsgs is German for what the call source says of itself in the
// Settings tab's status (statusText): each state's detail line and the
// last keepalive's outcome, from package sip and internal/engine, and
// the wording of its most common errors. Formats work as in germanMsgs
// (see Msg), into whose catalogue they are compiled; they sit apart so
// that the source's text and the hooks' can change independently.
// TestGermanSipMsgsCoverTheStatus finds every detail and keepalive text
// the source writes and fails for one missing here.
var germanSipMsgs = map[string]string{
	// Details (sip.Status.Detail).
	"not started":                                 "nicht gestartet",
	"stopped":                                     "angehalten",
	"no call source (source mode none)":           "keine Anrufquelle (Quellmodus „none“)",
	"binding %s":                                  "%s wird geöffnet",
	"cannot resolve upstream %s":                  "die Adresse der Telefonanlage %s lässt sich nicht auflösen",
	"cannot listen on %s":                         "auf %s lässt sich nicht lauschen",
	"cannot reach the PBX":                        "die Telefonanlage ist nicht erreichbar",
	"%d of %d extensions subscribed":              "%d von %d Nebenstellen abonniert",
	"softphones: %s · PBX %s unreachable":         "Softphones: %s · Telefonanlage %s nicht erreichbar",
	"softphones: %s (udp, tcp) · PBX: %s":         "Softphones: %s (UDP, TCP) · Telefonanlage: %s",
	"%d softphone(s) registered via %s · PBX: %s": "%d Softphone(s) über %s angemeldet · Telefonanlage: %s",

	// Keepalive outcomes (sip.Status.Keepalive).
	"answered":                              "beantwortet",
	"no answer: %s":                         "keine Antwort: %s",
	"no connection: %s":                     "keine Verbindung: %s",
	"failed: %s":                            "fehlgeschlagen: %s",
	"connection lost: %s":                   "Verbindung verloren: %s",
	"no answer to the CRLF ping within 2 s": "keine Antwort auf den CRLF-Ping innerhalb von 2 s",
	"no answer within %v from %s":           "keine Antwort von %[2]s innerhalb von %[1]v",

	// Errors (sip.Status.Err) in their own words; the Go and sipgo
	// errors they wrap stay as they are.
	"create user agent: %w":                  "SIP-Agent anlegen: %w",
	"create server: %w":                      "SIP-Server anlegen: %w",
	"dialog source: %w":                      "Dialog-Quelle: %w",
	"run proxy: %w":                          "Proxy: %w",
	"no answer from the PBX at %s within %s": "keine Antwort von der Telefonanlage unter %s innerhalb von %s",
	"connect to the PBX at %s over %s: %w":   "Verbindung zur Telefonanlage unter %s über %s: %w",
	"connect to the PBX at %s over %s: %w: check source.dialog.server and transport":                                        "Verbindung zur Telefonanlage unter %s über %s: %w: prüfen Sie source.dialog.server und transport",
	"SUBSCRIBE %s: no answer from %s over %s: %w: check source.dialog.server and transport, and that no firewall drops SIP": "SUBSCRIBE %s: keine Antwort von %s über %s: %w: prüfen Sie source.dialog.server und transport und ob eine Firewall SIP verwirft",
	"SUBSCRIBE %s: %w by the PBX (%s)":         "SUBSCRIBE %s: %w von der Telefonanlage (%s)",
	"SUBSCRIBE %s: %w (%s %s)":                 "SUBSCRIBE %s: %w (%s %s)",
	"subscription ended":                       "Abonnement beendet",
	"subscribe rejected":                       "Abonnement abgelehnt",
	"connection to the PBX dropped":            "Verbindung zur Telefonanlage abgebrochen",
	"SUBSCRIBE %s: lifetime refused twice: %w": "SUBSCRIBE %s: Laufzeit zweimal abgelehnt: %w",
	"resolve upstream %s: %w":                  "Adresse der Telefonanlage %s auflösen: %w",
	"resolve upstream %s: no addresses":        "Adresse der Telefonanlage %s auflösen: keine Adressen",
	"%w: another program uses it; set source.proxy.listen to a free address": "%w: ein anderes Programm nutzt sie; setzen Sie source.proxy.listen auf eine freie Adresse",
	"%w: check source.proxy.listen":                                          "%w: prüfen Sie source.proxy.listen",
	"new call source did not start, the previous one runs on: %w":            "die neue Anrufquelle startete nicht, die bisherige läuft weiter: %w",
	"call source stopped as it started":                                      "die Anrufquelle hielt beim Start an",
}
