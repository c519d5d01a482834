package countrycode

import (
	"regexp"
	"testing"
)

// Every code in the table is one the config accepts as country_code.
func TestCallingCodesValid(t *testing.T) {
	valid := regexp.MustCompile(`^[1-9][0-9]{0,3}$`) // hooks' country_code rule
	region := regexp.MustCompile(`^[A-Z]{2}$`)
	for r, c := range callingCodes {
		if !region.MatchString(r) || !valid.MatchString(c) {
			t.Errorf("%q: %q is no alpha-2 region with a valid country_code", r, c)
		}
	}
}
