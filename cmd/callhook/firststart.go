package main

import (
	"fmt"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/countrycode"
)

// proposeCountryCode fills in cfg's country code from the locale in
// getenv, when cfg has none, so that {remote|e164} works from the first
// call; it returns a line telling the user what it chose, or why nothing.
// Only for a config being written for the first time: a code the user
// set, or left empty, in an existing file is theirs.
func proposeCountryCode(cfg *hooks.Config, getenv func(string) string) string {
	if cfg.CountryCode != "" {
		return ""
	}
	code, locale := countrycode.FromEnv(getenv)
	switch {
	case code != "":
		cfg.CountryCode = code
		return fmt.Sprintf("country code %s (from the locale %s); change it in Settings", code, locale)
	case locale != "":
		return fmt.Sprintf("no country code: the locale %s names no country Callhook knows; set one in Settings for {remote|e164}", locale)
	}
	return "no country code: no locale is set (LC_ALL, LC_MESSAGES, LANG); set one in Settings for {remote|e164}"
}

// createConfig writes the config of a first start to path: the defaults
// with a proposed country code. It says what it chose on std.err.
func createConfig(path string, std stdio, getenv func(string) string) (*hooks.Config, error) {
	cfg := hooks.Default()
	note := proposeCountryCode(cfg, getenv)
	if err := hooks.Save(path, cfg); err != nil {
		return nil, err
	}
	fmt.Fprintf(std.err, "callhook: wrote %s: %s\n", path, note)
	return cfg, nil
}
