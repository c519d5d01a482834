package templates

// URLForms returns the ways a value stands in a rendered URL: escaped for
// a query value and for a path segment. Whoever masks a secret in text
// that may quote the URL (an opener's error) needs exactly these.
func URLForms(s string) []string { return []string{escapeURL(s, false), escapeURL(s, true)} }
