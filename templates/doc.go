// Package templates is Callhook's placeholder engine. A hook's URL, headers
// and body are templates such as
//
//	https://crm.example.com/search?phone={remote|e164}
//
// parsed once and rendered per call event. Caller ids and display names
// come from the network and are hostile, so every placeholder value is
// escaped for the place it stands in: a URL path segment, a query, a JSON
// string, a bare JSON value, a form field, XML text or a header value. A
// rendered URL always keeps the template's scheme and host; a rendered
// JSON body is always valid JSON.
//
// # Syntax
//
// A placeholder is a lower-case name in braces, optionally with an argument
// and a filter: {caller}, {header.X-Queue}, {secret.crm}, {remote|e164}.
// The filters are e164 and digits on text placeholders, mmss on
// {duration} ("02:35"), and datetime ("2025-03-14 09:26:53") and offset
// ("2025-03-14T09:26:53+00:00") on {start}, {answer} and {end}; a filter
// on a placeholder it does not fit is an error naming both.
// Only text of exactly that shape is a placeholder; every other brace is
// literal text, so JSON bodies are written naturally:
//
//	{"caller":"{caller}","duration":{duration}}
//
// "{{" is a literal "{", the only escape there is: write {{caller} for the
// literal text {caller}. A "}" is always literal. A known name that is not
// closed ("{caller"), an unknown name ("{foo}"), an unknown filter and a
// capitalised name ("{Caller}") are errors naming the offset.
package templates
