package ui

// germanMsgs is the German of the engine's messages, keyed by their
// English format, for Msg: validation problems and warnings (hooks,
// templates) and why a delivery or test failed. A German format uses
// the English one's arguments, reordered with %[2]s where German wants
// them elsewhere; the text captured for each goes in unchanged.
//
// Besides the formats in the engine's source (i18n_msgs_test.go finds
// them and fails on any missing here), some entries spell out a message
// the engine puts together: "could not connect to " + target, and the
// "leave out" list of an address, which joins one to three parts with
// ", " and " and ". A subjectless message ("is required") begins with
// one of named's verbs in both languages, so the settings can lead it
// with the field's label.
var germanMsgs = map[string]string{
	// Config: version, country code, language, queues (hooks/config_validate.go).
	"must be %d, not %d": "muss %d sein, nicht %d",
	"must be the country code's digits without + or 00 (e.g. 49), not %q": "muss aus den Ziffern der Ländervorwahl ohne + oder 00 bestehen (z. B. 49), nicht %q",
	`must be "en", "de" or empty (follow the system), not %q`:             `muss „en“, „de“ oder leer (wie das System) sein, nicht %q`,
	"is required":                 "ist erforderlich",
	"is empty":                    "ist leer",
	"%q is used by another queue": "%q wird schon von einer anderen Warteschlange verwendet",
	"a queue needs numbers, display_prefix or header to recognise its calls": "Eine Warteschlange braucht Nummern, display_prefix oder header, um ihre Anrufe zu erkennen",
	"%q is not a valid header name":                                          "%q ist kein gültiger Header-Name",

	// Hooks (hooks/config_validate.go).
	"is required (letters, digits, - and _)":            "ist erforderlich (Buchstaben, Ziffern, - und _)",
	"%q may contain only letters, digits, - and _":      "%q darf nur Buchstaben, Ziffern, - und _ enthalten",
	"%q is used by another hook":                        "%q wird schon von einem anderen Hook verwendet",
	"needs at least one trigger (e.g. incoming.answer)": "braucht mindestens einen Auslöser (z. B. incoming.answer)",
	"%q is not a trigger (known: %s)":                   "%q ist kein Auslöser (bekannt: %s)",
	"%q is listed twice":                                "%q ist doppelt aufgeführt",
	"must be get, post or browser, not %q":              "muss get, post oder browser sein, nicht %q",
	"%v":                                                "%v",
	"only a post hook sends a body":                     "Nur ein post-Hook sendet einen Inhalt",
	"a browser hook cannot send headers":                "Ein browser-Hook kann keine Header senden",
	"%s is set by Callhook itself":                      "%s setzt Callhook selbst",
	"contains control characters":                       "enthält Steuerzeichen",
	"must be positive and at most %s, not %s":           "muss positiv und höchstens %s sein, nicht %s",
	"must be 0 to %d, not %d":                           "muss zwischen 0 und %d liegen, nicht %d",
	"%q is not a media type (e.g. application/json)":    "%q ist kein Medientyp (z. B. application/json)",
	"%v (without content_type the body is sent as %s)":  "%v (ohne content_type wird der Inhalt als %s gesendet)",
	"content type %q has no escaping, so %s go out exactly as the caller sent them and can change the body; use a JSON, form or XML content type, or the |digits or |e164 filter": "Der Inhaltstyp %q kennt kein Maskieren, daher gehen %s genau so hinaus, wie der Anrufer sie gesendet hat, und können den Inhalt verändern; verwenden Sie einen JSON-, Formular- oder XML-Inhaltstyp oder den Filter |digits oder |e164",

	// The call source (hooks/config_source.go).
	"%s": "%s",
	"the address to listen on for softphones is required in proxy mode (host:port, e.g. %s)":  "Die Adresse, auf der Callhook für Softphones lauscht, ist im Proxy-Modus erforderlich (host:port, z. B. %s)",
	"the PBX address is required in proxy mode (host or host:port, e.g. %s)":                  "Die Adresse der Telefonanlage ist im Proxy-Modus erforderlich (host oder host:port, z. B. %s)",
	"the PBX address is required in dialog mode (host or host:port, e.g. %s)":                 "Die Adresse der Telefonanlage ist im Dialog-Modus erforderlich (host oder host:port, z. B. %s)",
	"at least one extension to watch is required in dialog mode (e.g. 1002)":                  "Im Dialog-Modus ist mindestens eine zu beobachtende Nebenstelle erforderlich (z. B. 1002)",
	"%q must be an extension or user name":                                                    "%q muss eine Nebenstelle oder ein Benutzername sein",
	"must be between 60 and 86400 seconds, not %d":                                            "muss zwischen 60 und 86400 Sekunden liegen, nicht %d",
	"must be none, proxy or dialog, not %q":                                                   "muss none, proxy oder dialog sein, nicht %q",
	"must be udp, tcp or tls, not %q":                                                         "muss udp, tcp oder tls sein, nicht %q",
	"applies to transport tls only (transport is %s): set transport to tls or remove ca_file": "gilt nur für den Transport tls (der Transport ist %s): Stellen Sie den Transport auf tls oder entfernen Sie ca_file",
	"%q must be an absolute path (callhook may start in another directory)":                   "%q muss ein absoluter Pfad sein (Callhook startet womöglich in einem anderen Verzeichnis)",
	"cannot read %q: %v":                    "%q kann nicht gelesen werden: %v",
	"%q: certificate %d does not parse: %v": "%q: Zertifikat %d lässt sich nicht lesen: %v",
	"%q holds a private key, not a CA certificate: use the certificate of the CA that signed the PBX's certificate": "%q enthält einen privaten Schlüssel, kein CA-Zertifikat: Verwenden Sie das Zertifikat der CA, die das Zertifikat der Telefonanlage signiert hat",
	"%q is a DER certificate, not PEM: convert it (openssl x509 -inform der -in %s -out ca.pem)":                    "%q ist ein DER-Zertifikat, kein PEM: Wandeln Sie es um (openssl x509 -inform der -in %s -out ca.pem)",
	"%q holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----)":                                    "%q enthält kein PEM-Zertifikat (einen Block, der mit -----BEGIN CERTIFICATE----- beginnt)",
	"%q: %s": "%q: %s",
	"%q must be an IP address, optionally with :port (e.g. 10.0.0.5 or 10.0.0.5:5080)":                                  "%q muss eine IP-Adresse sein, wahlweise mit :port (z. B. 10.0.0.5 oder 10.0.0.5:5080)",
	"%q has no IP address (e.g. 10.0.0.5:5080)":                                                                         "%q enthält keine IP-Adresse (z. B. 10.0.0.5:5080)",
	"%q is not an IP address: name one of this machine's addresses (e.g. 10.0.0.5), not a host name":                    "%q ist keine IP-Adresse: Geben Sie eine Adresse dieses Rechners an (z. B. 10.0.0.5), keinen Hostnamen",
	"%q means every address: name the one address the PBX leg should use, or leave local_address empty for the route's": "%q steht für alle Adressen: Geben Sie die eine Adresse an, die die Verbindung zur Telefonanlage nutzen soll, oder lassen Sie local_address leer für die Adresse der Route",
	"%q is a multicast address: name one of this machine's addresses":                                                   "%q ist eine Multicast-Adresse: Geben Sie eine Adresse dieses Rechners an",
	"port %s is out of range (%d-65535)":                                                                                "Port %s liegt außerhalb des Bereichs (%d-65535)",
	"port %q is not a number":                                                                                           "Port %q ist keine Zahl",
	"port %d is out of range (%d-65535)":                                                                                "Port %d liegt außerhalb des Bereichs (%d-65535)",
	"the port is missing after the colon":                                                                               "Nach dem Doppelpunkt fehlt der Port",
	"%s: contains %s: write the address without spaces (e.g. %s)":                                                       "%s: enthält %s: Schreiben Sie die Adresse ohne Leerzeichen (z. B. %s)",
	"a space":             "ein Leerzeichen",
	"a tab or line break": "einen Tabulator oder Zeilenumbruch",
	"%s: the host is missing before the port (e.g. %s)":                                               "%s: Vor dem Port fehlt der Host (z. B. %s)",
	"%s: only an IPv6 address goes in brackets (e.g. [fd00::5]:%s)":                                   "%s: Nur eine IPv6-Adresse steht in eckigen Klammern (z. B. [fd00::5]:%s)",
	"%s: the port is missing (e.g. %s:%s)":                                                            "%s: Der Port fehlt (z. B. %s:%s)",
	"%s: the port is missing (e.g. %s)":                                                               "%s: Der Port fehlt (z. B. %s)",
	"%s must be host or host:port (e.g. %s)":                                                          "%s muss host oder host:port sein (z. B. %s)",
	"%s: put the IPv6 address in brackets, the port after them: %s":                                   "%s: Setzen Sie die IPv6-Adresse in eckige Klammern, den Port dahinter: %s",
	"%s: put the IPv6 address in brackets and add the port: %s":                                       "%s: Setzen Sie die IPv6-Adresse in eckige Klammern und ergänzen Sie den Port: %s",
	"%s: put the IPv6 address in brackets: [%s]":                                                      "%s: Setzen Sie die IPv6-Adresse in eckige Klammern: [%s]",
	"%s has more than one colon: write host:port (e.g. %s)":                                           "%s enthält mehr als einen Doppelpunkt: Schreiben Sie host:port (z. B. %s)",
	"%q: leave out %s (write host:port, e.g. %s)":                                                     "%q: Lassen Sie %s weg (schreiben Sie host:port, z. B. %s)",
	"%q: leave out %s and %s (write host:port, e.g. %s)":                                              "%q: Lassen Sie %s und %s weg (schreiben Sie host:port, z. B. %s)",
	"%q: leave out %s, %s and %s (write host:port, e.g. %s)":                                          "%q: Lassen Sie %s, %s und %s weg (schreiben Sie host:port, z. B. %s)",
	"%q: leave out %s (write %s and set transport to %s)":                                             "%q: Lassen Sie %s weg (schreiben Sie %s und stellen Sie den Transport auf %s)",
	"%q: leave out %s and %s (write %s and set transport to %s)":                                      "%q: Lassen Sie %s und %s weg (schreiben Sie %s und stellen Sie den Transport auf %s)",
	"%q: leave out %s, %s and %s (write %s and set transport to %s)":                                  "%q: Lassen Sie %s, %s und %s weg (schreiben Sie %s und stellen Sie den Transport auf %s)",
	"%q: leave out %s (write %s)":                                                                     "%q: Lassen Sie %s weg (schreiben Sie %s)",
	"%q: leave out %s and %s (write %s)":                                                              "%q: Lassen Sie %s und %s weg (schreiben Sie %s)",
	"%q: leave out %s, %s and %s (write %s)":                                                          "%q: Lassen Sie %s, %s und %s weg (schreiben Sie %s)",
	"port 5060 is SIP's plain port; with transport tls the PBX usually listens on 5061":               "Port 5060 ist der unverschlüsselte Port von SIP; mit dem Transport tls lauscht die Telefonanlage meist auf 5061",
	"port 5061 is SIP's TLS port; transport is %s: set transport to tls if the PBX expects TLS there": "Port 5061 ist der TLS-Port von SIP; der Transport ist %s: Stellen Sie den Transport auf tls, wenn die Telefonanlage dort TLS erwartet",

	// A browser hook with a secret in its query (hooks/config_warnings_browser.go).
	"the browser keeps this URL in its history with the value of %s in plain text, readable by anyone who can read the history": "Der Browser speichert diese URL mit dem Wert von %s im Klartext in seinem Verlauf, lesbar für jeden, der den Verlauf lesen kann",

	// A hook using e164 without a country code (hooks/config_warnings_e164.go).
	// The second argument is the verb, "needs" or "need": the German
	// says it in a way that fits one placeholder and several.
	`%s %s a country code to turn national numbers (030 1234567) into +49…: set "country_code" (e.g. "49" for Germany)`: `Für %[1]s fehlt eine Ländervorwahl, um nationale Nummern (030 1234567) in +49… umzuwandeln: Setzen Sie „country_code“ (z. B. „49“ für Deutschland)`,

	// Why a request got no answer (hooks/failure.go), put together from
	// "could not connect to " + target and what happened.
	"could not connect to %s":                                   "Keine Verbindung zu %s möglich",
	"could not connect to the proxy":                            "Keine Verbindung zum Proxy möglich",
	"could not connect to the proxy %s":                         "Keine Verbindung zum Proxy %s möglich",
	"could not connect to the receiver":                         "Keine Verbindung zum Empfänger möglich",
	"%s: nothing is listening there":                            "%s: Dort lauscht niemand",
	"%s: the network has no route to it":                        "%s: Das Netz kennt keinen Weg dorthin",
	"%s: the TLS handshake did not finish in time":              "%s: Der TLS-Handshake wurde nicht rechtzeitig fertig",
	"%s: no answer within %s":                                   "%s: Keine Antwort innerhalb von %s",
	"no answer within %s":                                       "Keine Antwort innerhalb von %s",
	"%s: %s":                                                    "%s: %s",
	"could not find the host %s (DNS: %s)":                      "Der Host %s wurde nicht gefunden (DNS: %s)",
	"no such host":                                              "Host unbekannt",
	"the name server did not answer in time":                    "Der Nameserver hat nicht rechtzeitig geantwortet",
	"the server's certificate is not valid for %s: it names %s": "Das Zertifikat des Servers gilt nicht für %s: Es nennt %s",
	"other names":                                               "andere Namen",
	"no names":                                                  "keine Namen",
	"the server's certificate is not trusted for %s: it is signed by an unknown authority (self-signed or a private CA)": "Dem Zertifikat des Servers für %s wird nicht vertraut: Es ist von einer unbekannten Stelle signiert (selbst signiert oder eine private CA)",
	"the server's certificate for %s is not valid before %s (is this computer's clock right?)":                           "Das Zertifikat des Servers für %s gilt erst ab %s (geht die Uhr dieses Computers richtig?)",
	"the server's certificate for %s expired on %s":                                                                      "Das Zertifikat des Servers für %s ist am %s abgelaufen",
	"the server's certificate is not trusted for %s: %s":                                                                 "Dem Zertifikat des Servers für %s wird nicht vertraut: %s",
	"%s does not speak TLS: does the hook's url need http:// instead of https://?":                                       "%s spricht kein TLS: Braucht die URL des Hooks http:// statt https://?",
	"the proxy does not speak TLS: does the hook's url need http:// instead of https://?":                                "Der Proxy spricht kein TLS: Braucht die URL des Hooks http:// statt https://?",
	"the proxy %s does not speak TLS: does the hook's url need http:// instead of https://?":                             "Der Proxy %s spricht kein TLS: Braucht die URL des Hooks http:// statt https://?",
	"the connection was closed before an answer arrived":                                                                 "Die Verbindung wurde geschlossen, bevor eine Antwort kam",
	"request to %s failed: %s":                           "Anfrage an %s fehlgeschlagen: %s",
	"request to the receiver failed: %s":                 "Anfrage an den Empfänger fehlgeschlagen: %s",
	"stopped waiting after %s, before an answer arrived": "Warten nach %s beendet, bevor eine Antwort kam",
	// An answer that is no success: the status line is the receiver's.
	"HTTP %s": "HTTP %s",
	"HTTP %s: redirect to %s not followed (hooks must point at the final URL)": "HTTP %s: Weiterleitung auf %s nicht gefolgt (Hooks müssen auf die endgültige URL zeigen)",
	"another url": "eine andere URL",
	"HTTP %s: the receiver asks to retry after %s": "HTTP %s: Der Empfänger bittet, es nach %s erneut zu versuchen",
	// Durations (humanDuration): German writes a decimal comma.
	"%d ms":   "%d ms",
	"%d s":    "%d s",
	"%d.%d s": "%d,%d s",
	"%d min":  "%d min",
	"%d h":    "%d h",

	// A browser hook (hooks/browser.go).
	"open browser: %w":        "Browser konnte nicht geöffnet werden: %w",
	"hook %s: url: %w":        "Hook %s: URL: %w",
	"hook %s: render url: %w": "Hook %s: URL konnte nicht erstellt werden: %w",
	"hook %s: %w":             "Hook %s: %w",
	"refuse to open the browser: rendered url does not parse":       "Browser nicht geöffnet: Die erstellte URL ist ungültig",
	"refuse to open the browser: scheme %q is not http or https":    "Browser nicht geöffnet: Das Schema %q ist weder http noch https",
	"refuse to open the browser: host %q is not the hook's host %q": "Browser nicht geöffnet: Der Host %q ist nicht der Host des Hooks, %q",
	"refuse to open the browser: url carries user info":             "Browser nicht geöffnet: Die URL enthält Benutzerdaten",
	"opened %s in the default browser":                              "%s im Standardbrowser geöffnet",
	"opened the hook's url in the default browser":                  "Die URL des Hooks im Standardbrowser geöffnet",

	// A request that could not be built (hooks/deliver.go).
	"hook %s: action %q cannot be sent as a request": "Hook %s: Die Aktion %q lässt sich nicht als Anfrage senden",
	"hook %s: body: %w":                                       "Hook %s: Inhalt: %w",
	"hook %s: render body: %w":                                "Hook %s: Inhalt konnte nicht erstellt werden: %w",
	"hook %s: rendered url is not a valid request url":        "Hook %s: Die erstellte URL ist keine gültige Anfrage-URL",
	"hook %s: header name %q is not a valid HTTP header name": "Hook %s: Der Header-Name %q ist kein gültiger HTTP-Header-Name",
	"hook %s: header %s: %w":                                  "Hook %s: Header %s: %w",
	"hook %s: render header %s: %w":                           "Hook %s: Header %s konnte nicht erstellt werden: %w",
	"hook %s: signing secret: %w":                             "Hook %s: Signaturschlüssel: %w",
	"hook %s: signing secret %q: %w":                          "Hook %s: Signaturschlüssel %q: %w",

	// The administrator's policy: its own problems (hooks/policy_validate.go),
	// what it refuses in the user's config and managed hooks
	// (hooks/policy_apply.go) and deliveries it stops (hooks/policy_hosts.go).
	// A PolicyError with one problem is "invalid policy " + origin + ": " +
	// path + ": " + message; an allowed_hosts entry's problem is its %q and
	// a sentence.
	"invalid policy %s: %s: %s":          "Ungültige Richtlinie %s: %s: %s",
	"(no origin)":                        "(ohne Herkunft)",
	"%q":                                 "%q",
	"%q is used by another managed hook": "%q wird schon von einem anderen verwalteten Hook verwendet",
	"is sent to provisioning_url, which is not set": "ist für provisioning_url bestimmt, das nicht gesetzt ist",
	"%q is not a URL": "%q ist keine URL",
	"%q must be an https URL: a policy decides where calls are sent, and must not be open to tampering on the way": "%q muss eine https-URL sein: Eine Richtlinie bestimmt, wohin Anrufe gesendet werden, und darf unterwegs nicht manipulierbar sein",
	"%q has no host": "%q hat keinen Host",
	"%q: put no credentials in the URL; name a keychain secret in provisioning_token_secret": "%q: Schreiben Sie keine Zugangsdaten in die URL; nennen Sie ein Geheimnis aus dem Schlüsselbund in provisioning_token_secret",
	"%q: write the host only, e.g. %s":                                                 "%q: Schreiben Sie nur den Host, z. B. %s",
	"%q: write a host name only, e.g. crm.example.com":                                 "%q: Schreiben Sie nur einen Hostnamen, z. B. crm.example.com",
	"%q: write the host without a port: every port of the host is allowed":             "%q: Schreiben Sie den Host ohne Port: Jeder Port des Hosts ist erlaubt",
	"%q: name a host (crm.example.com) or a domain's hosts (*.example.org)":            "%q: Nennen Sie einen Host (crm.example.com) oder die Hosts einer Domain (*.example.org)",
	"%q: a wildcard may only begin the entry, as in *.example.org":                     "%q: Das Sternchen darf nur am Anfang des Eintrags stehen, wie in *.example.org",
	"%q is not a host name (letters, digits and - between dots, e.g. crm.example.com)": "%q ist kein Hostname (Buchstaben, Ziffern und - zwischen Punkten, z. B. crm.example.com)",
	"%q is not a hook id (letters, digits, - and _)":                                   "%q ist keine Hook-ID (Buchstaben, Ziffern, - und _)",
	"%q is the id of a hook managed by the policy %s: give your hook another id":       "%q ist die ID eines Hooks, den die Richtlinie %s verwaltet: Geben Sie Ihrem Hook eine andere ID",
	"the policy does not let the user switch this hook off":                            "Die Richtlinie erlaubt dem Benutzer nicht, diesen Hook abzuschalten",
	"no managed hook with this id":                                                     "Kein verwalteter Hook mit dieser ID",
	"managed hook %q: %w":                                                              "Verwalteter Hook %q: %w",
	"managed hook %q: %w (%s)":                                                         "Verwalteter Hook %q: %w (%s)",
	"managed hook %q stays on: the policy %s does not let you switch it off":           "Der verwaltete Hook %q bleibt eingeschaltet: Die Richtlinie %s erlaubt Ihnen nicht, ihn abzuschalten",
	"managed hook %q is never sent: %v":                                                "Der verwaltete Hook %q wird nie gesendet: %v",
	"host not allowed by the policy":                                                   "Host durch die Richtlinie nicht erlaubt",
	"%w: the URL names no host the policy %s could allow":                              "%w: Die URL nennt keinen Host, den die Richtlinie %s erlauben könnte",
	"host %q is not in allowed_hosts of the policy %s (allowed: %s)":                   "Der Host %q steht nicht in allowed_hosts der Richtlinie %s (erlaubt: %s)",
	// What a HostError lists when the policy allows no host at all.
	"none":                                 "keine",
	"hooks are switched off by the policy": "Hooks abgeschaltet durch die Richtlinie",
	"hook %s: %w %s: nothing is sent":      "Hook %s: %w %s: Es wird nichts gesendet",
	"hook %s: %w: no request sent":         "Hook %s: %w: Keine Anfrage gesendet",

	// Secrets (hooks/secrets.go).
	"secret %q not found: set it with `callhook secret set %s` or %s": "Geheimnis %q nicht gefunden: Legen Sie es mit `callhook secret set %s` oder %s an",
	"secret not found": "Geheimnis nicht gefunden",
	"read secret %q from the OS keychain (or set %s): %w": "Geheimnis %q konnte nicht aus dem Schlüsselbund des Systems gelesen werden (oder setzen Sie %s): %w",
	"set secret: empty name":                              "Geheimnis setzen: leerer Name",
	"store secret %q in the OS keychain: %w":              "Geheimnis %q konnte nicht im Schlüsselbund des Systems gespeichert werden: %w",
	"delete secret %q from the OS keychain: %w":           "Geheimnis %q konnte nicht aus dem Schlüsselbund des Systems gelöscht werden: %w",

	// Templates: URL, body and header values that do not parse or render
	// (templates, passed on by hooks with "%v"), and placeholders a
	// trigger cannot fill.
	"%s at offset %d: %s":                                                               "%s an Position %d: %s",
	"offset %d: %s":                                                                     "Position %d: %s",
	"placeholder inside a JSON escape sequence":                                         "Platzhalter in einer JSON-Escape-Sequenz",
	"not valid JSON: %w":                                                                "Kein gültiges JSON: %w",
	"not valid JSON (rendered with sample data: %s)":                                    "Kein gültiges JSON (mit Beispieldaten erstellt: %s)",
	"unknown placeholder (write {{ for a literal brace)":                                "Unbekannter Platzhalter (schreiben Sie {{ für eine geschweifte Klammer)",
	"placeholder names are lower case: write {%s}":                                      "Platzhalternamen werden kleingeschrieben: Schreiben Sie {%s}",
	"unexpected %q in placeholder (write {{ for a literal brace)":                       "Unerwartetes %q im Platzhalter (schreiben Sie {{ für eine geschweifte Klammer)",
	"placeholder is not closed with } (write {{ for a literal brace)":                   "Der Platzhalter ist nicht mit } geschlossen (schreiben Sie {{ für eine geschweifte Klammer)",
	"needs a name: {%s.NAME}":                                                           "braucht einen Namen: {%s.NAME}",
	"{%s} takes no argument":                                                            "{%s} nimmt kein Argument",
	"empty filter (known filters: %s)":                                                  "Leerer Filter (bekannte Filter: %s)",
	"unknown filter %q (known filters: %s)":                                             "Unbekannter Filter %q (bekannte Filter: %s)",
	"{%s} takes no filter":                                                              "{%s} nimmt keinen Filter",
	"the filter %s applies to text placeholders only, not to {%s}":                      "Der Filter %s gilt nur für Text-Platzhalter, nicht für {%s}",
	"the filter %s applies only to %s, not to {%s}":                                     "Der Filter %s gilt nur für %s, nicht für {%s}",
	"a browser URL may carry secrets only in its query (?key={secret.NAME})":            "Eine Browser-URL darf Geheimnisse nur in ihren Abfrageparametern enthalten (?key={secret.NAME})",
	"URL needs a scheme and host: https://host/...":                                     "Die URL braucht Schema und Host: https://host/...",
	"placeholders are not allowed in the URL's host":                                    "Platzhalter sind im Host der URL nicht erlaubt",
	"placeholders are not allowed in the URL's scheme":                                  "Platzhalter sind im Schema der URL nicht erlaubt",
	"secrets are allowed only in the URL's userinfo (user:password@), headers and body": "Geheimnisse sind nur in den Benutzerdaten der URL (user:password@), in Headern und im Inhalt erlaubt",
	"URL scheme must be http or https, not %q":                                          "Das Schema der URL muss http oder https sein, nicht %q",
	"URL has no host":                                                                   "Die URL hat keinen Host",
	"render template: %w":                                                               "Vorlage konnte nicht ausgefüllt werden: %w",
	"render URL: %w":                                                                    "URL konnte nicht erstellt werden: %w",
	"render URL: rendered URL has %s://%s instead of %s://%s":                           "URL konnte nicht erstellt werden: Die erstellte URL hat %s://%s statt %s://%s",
	"resolve %s: unknown placeholder":                                                   "%s kann nicht aufgelöst werden: unbekannter Platzhalter",
	"resolve %s: %w":                                                                    "%s kann nicht aufgelöst werden: %w",
	"secrets are not available here":                                                    "Geheimnisse sind hier nicht verfügbar",
	"%s is always empty on %s":                                                          "%s ist bei %s immer leer",

	// The map filter (templates/filter_map.go).
	"the filter %s takes no values":                                       "Der Filter %s nimmt keine Werte",
	"the filter map needs its values: {%s|map:VALUE=TEXT,...,*=TEXT}":     "Der Filter map braucht seine Werte: {%s|map:WERT=TEXT,...,*=TEXT}",
	"%q is no VALUE=TEXT pair (the map of {%s} is VALUE=TEXT,...,*=TEXT)": "%q ist kein Paar WERT=TEXT (die Zuordnung für {%s} lautet WERT=TEXT,...,*=TEXT)",
	"{%s} is never %q: its values are %s, and * stands for the others":    "{%s} ist nie %q: Seine Werte sind %s, und * steht für die übrigen",
	"%q is mapped twice": "%q ist zweimal zugeordnet",
	"the mapped text %q may hold only letters, digits, spaces and _ - . +":                               "Der zugeordnete Text %q darf nur Buchstaben, Ziffern, Leerzeichen und _ - . + enthalten",
	"unexpected %q in the filter's values: a mapped text holds only letters, digits, spaces and _ - . +": "Unerwartetes %q in den Werten des Filters: Ein zugeordneter Text enthält nur Buchstaben, Ziffern, Leerzeichen und _ - . +",
}
