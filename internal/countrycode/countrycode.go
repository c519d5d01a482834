// Package countrycode proposes the config's country_code, the E.164
// calling code the {remote|e164} filter puts in front of national
// numbers, from the system locale: de_DE.UTF-8 names the region DE,
// whose calling code is 49.
//
// It is a proposal for a first start, not a truth: the locale says where
// the user's language settings come from, which is usually, not always,
// where their phone line is. Callers say what they chose.
package countrycode

import "strings"

// LocaleVars are the environment variables that name the locale, in the
// order gettext reads them: the first one set decides.
var LocaleVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// FromEnv returns the calling code for the locale in the first of
// LocaleVars that getenv finds set, and that locale; code is "" when none
// is set or the locale names no region Callhook knows (C, POSIX, en).
func FromEnv(getenv func(string) string) (code, locale string) {
	for _, k := range LocaleVars {
		if v := getenv(k); v != "" {
			return FromLocale(v), v
		}
	}
	return "", ""
}

// FromLocale returns the calling code of a locale name's region:
// "de_DE.UTF-8" and "de-DE" give "49", "de_AT.UTF-8@euro" "43", "C" "".
func FromLocale(locale string) string {
	return ForRegion(Region(locale))
}

// Region returns the ISO 3166 alpha-2 region of a POSIX locale name
// (language[_REGION][.codeset][@modifier]) or a BCP 47 tag (de-DE), upper
// case, or "" when it names none.
func Region(locale string) string {
	if i := strings.IndexAny(locale, ".@"); i >= 0 {
		locale = locale[:i]
	}
	parts := strings.FieldsFunc(locale, func(r rune) bool { return r == '_' || r == '-' })
	// The region follows the language, maybe after a script (zh-Hant-TW);
	// a number (es-419) is a UN area, no country.
	for _, p := range parts[min(1, len(parts)):] {
		if len(p) == 2 && isLetter(p[0]) && isLetter(p[1]) {
			return strings.ToUpper(p)
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ForRegion returns the E.164 calling code of an ISO 3166 alpha-2 region
// ("DE" -> "49", "CA" -> "1"), or "" for a region not in the table.
func ForRegion(region string) string {
	return callingCodes[strings.ToUpper(region)]
}

// callingCodes maps ISO 3166 alpha-2 regions to ITU-T E.164 country
// codes: the EU and EEA, their neighbours, and the countries Callhook's
// users most often call from. Regions sharing a code (the North American
// Numbering Plan's "1", "7" for Russia and Kazakhstan) each have a row.
var callingCodes = map[string]string{
	// European Union
	"AT": "43", "BE": "32", "BG": "359", "CY": "357", "CZ": "420", "DE": "49",
	"DK": "45", "EE": "372", "ES": "34", "FI": "358", "FR": "33", "GR": "30",
	"HR": "385", "HU": "36", "IE": "353", "IT": "39", "LT": "370", "LU": "352",
	"LV": "371", "MT": "356", "NL": "31", "PL": "48", "PT": "351", "RO": "40",
	"SE": "46", "SI": "386", "SK": "421",
	// EEA, Switzerland, the United Kingdom
	"IS": "354", "LI": "423", "NO": "47", "CH": "41", "GB": "44",
	// Rest of Europe
	"AD": "376", "AL": "355", "AM": "374", "AZ": "994", "BA": "387", "BY": "375",
	"FO": "298", "GE": "995", "GI": "350", "GL": "299", "MC": "377", "MD": "373",
	"ME": "382", "MK": "389", "RS": "381", "RU": "7", "SM": "378", "TR": "90",
	"UA": "380", "XK": "383",
	// North American Numbering Plan
	"US": "1", "CA": "1", "PR": "1", "DO": "1", "JM": "1", "TT": "1", "BS": "1", "BB": "1",
	// Latin America
	"AR": "54", "BO": "591", "BR": "55", "CL": "56", "CO": "57", "CR": "506",
	"CU": "53", "EC": "593", "GT": "502", "HN": "504", "MX": "52", "NI": "505",
	"PA": "507", "PE": "51", "PY": "595", "SV": "503", "UY": "598", "VE": "58",
	// Asia and Oceania
	"AU": "61", "NZ": "64", "BD": "880", "CN": "86", "HK": "852", "ID": "62",
	"IN": "91", "JP": "81", "KR": "82", "KZ": "7", "LK": "94", "MO": "853",
	"MY": "60", "NP": "977", "PH": "63", "PK": "92", "SG": "65", "TH": "66",
	"TW": "886", "VN": "84",
	// Middle East and Africa
	"AE": "971", "BH": "973", "DZ": "213", "EG": "20", "ET": "251", "GH": "233",
	"IL": "972", "IQ": "964", "IR": "98", "JO": "962", "KE": "254", "KW": "965",
	"LB": "961", "MA": "212", "NG": "234", "OM": "968", "QA": "974", "SA": "966",
	"SN": "221", "TN": "216", "TZ": "255", "UG": "256", "ZA": "27",
}
