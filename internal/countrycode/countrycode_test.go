package countrycode_test

import (
	"testing"

	"github.com/callhook/callhook/internal/countrycode"
)

func TestFromLocale(t *testing.T) {
	tests := []struct {
		locale, want string
	}{
		{"de_DE.UTF-8", "49"},
		{"de_DE", "49"},
		{"de_AT.UTF-8@euro", "43"},
		{"de_CH.utf8", "41"},
		{"en_US", "1"},
		{"en_CA.UTF-8", "1"},
		{"fr_CA", "1"},
		{"en_GB.UTF-8", "44"},
		{"en_AU.UTF-8", "61"},
		{"en_NZ", "64"},
		{"pt_BR", "55"},
		{"nb_NO.UTF-8", "47"},
		{"sr_RS@latin", "381"},
		{"de-DE", "49"},
		{"zh-Hant-TW", "886"},
		{"zh_Hant_TW.UTF-8", "886"},
		{"C", ""},
		{"C.UTF-8", ""},
		{"POSIX", ""},
		{"en", ""},
		{"de.UTF-8", ""},
		{"es_419", ""},
		{"xx_ZZ.UTF-8", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			if got := countrycode.FromLocale(tt.locale); got != tt.want {
				t.Errorf("FromLocale(%q) = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		code, from string
	}{
		{"LANG", map[string]string{"LANG": "de_DE.UTF-8"}, "49", "de_DE.UTF-8"},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "de_AT.UTF-8", "LANG": "en_US.UTF-8"}, "43", "de_AT.UTF-8"},
		{"LC_ALL before all", map[string]string{"LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "de_AT", "LANG": "en_US"}, "33", "fr_FR.UTF-8"},
		// As for gettext, the first one set decides, even without a region.
		{"C in LC_ALL", map[string]string{"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "", "C"},
		{"nothing set", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, from := countrycode.FromEnv(func(k string) string { return tt.env[k] })
			if code != tt.code || from != tt.from {
				t.Errorf("FromEnv = %q from %q, want %q from %q", code, from, tt.code, tt.from)
			}
		})
	}
}

// The table covers where Callhook is used.
func TestForRegion(t *testing.T) {
	eea := []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
		"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO"}
	others := map[string]string{"CH": "41", "GB": "44", "US": "1", "CA": "1", "AU": "61", "NZ": "64",
		"DE": "49", "AT": "43", "FR": "33", "IT": "39", "ES": "34", "NL": "31", "PL": "48", "IE": "353",
		"JP": "81", "IN": "91", "BR": "55", "MX": "52", "ZA": "27", "TR": "90", "RU": "7", "KZ": "7"}
	for _, r := range eea {
		if countrycode.ForRegion(r) == "" {
			t.Errorf("EU/EEA member %s has no calling code", r)
		}
	}
	for r, want := range others {
		if got := countrycode.ForRegion(r); got != want {
			t.Errorf("ForRegion(%s) = %q, want %q", r, got, want)
		}
	}
	if got := countrycode.ForRegion("de"); got != "49" {
		t.Errorf("ForRegion(de) = %q: case must not matter", got)
	}
	if got := countrycode.ForRegion("ZZ"); got != "" {
		t.Errorf("ForRegion(ZZ) = %q, want none", got)
	}
}
