package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func cmdConfig(p paths, args []string, std stdio) int {
	if len(args) == 0 {
		fmt.Fprintln(std.err, "Usage: callhook config check|path|init")
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags("config "+sub, &p, std, "config "+sub+" [--config F]")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	if code := p.resolveOrReport(std); code >= 0 {
		return code
	}
	switch sub {
	case "check":
		return configCheck(p, std)
	case "path":
		fmt.Fprintf(std.out, "config: %s\ndata: %s\n", p.config, p.data)
		return exitOK
	case "init":
		return configInit(p, std, os.Getenv)
	}
	fmt.Fprintf(std.err, "callhook: unknown config command %q (want check, path or init)\n", sub)
	return exitUsage
}

// configCheck prints every problem and warning, the policy's included;
// errors exit 2.
func configCheck(p paths, std stdio) int {
	cfg, err := hooks.Load(p.config)
	if err != nil {
		fmt.Fprintf(std.err, "%v\n", err)
		return exitUsage
	}
	pol, code := checkPolicy(p, std)
	if err := cfg.ValidateWith(pol); err != nil {
		var ve *hooks.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintf(std.err, "%s: %d problem(s):\n", p.config, len(ve.Problems))
			for _, pr := range ve.Problems {
				fmt.Fprintf(std.err, "  %s\n", pr)
			}
		} else {
			fmt.Fprintf(std.err, "%s: %v\n", p.config, err)
		}
		return exitUsage
	}
	for _, w := range slices.Concat(cfg.Warnings(), cfg.E164Warnings(), cfg.PolicyWarnings(pol)) {
		fmt.Fprintf(std.err, "warning: %s\n", w)
	}
	if code != exitOK {
		return code
	}
	eff := pol.Apply(cfg)
	fmt.Fprintf(std.out, "%s: ok (%d hooks, source %s)\n", p.config, len(eff.Hooks), eff.Source.Mode)
	return exitOK
}

// checkPolicy reads the administrator's policy as the agent would, asks
// its provisioning URL once, and prints the policy line. A policy file
// that does not read or validate is exit 2: what the config is checked
// against is unknown. A provisioning URL that fails is reported, and the
// cached policy checked against.
func checkPolicy(p paths, std stdio) (*hooks.Policy, int) {
	w := newPolicyWatcher(p, slog.New(slog.DiscardHandler))
	w.Load()
	ctx, cancel := context.WithTimeout(context.Background(), policyCheckTimeout)
	defer cancel()
	pol := w.Refresh(ctx)
	st := w.Status()
	if !st.Active && st.Error == "" {
		return nil, exitOK
	}
	for i, l := range policyLines(st) {
		if i == 0 {
			fmt.Fprintf(std.out, "policy: %s\n", l)
		} else {
			fmt.Fprintf(std.out, "        %s\n", l)
		}
	}
	if fileErr, _ := w.Errors(); fileErr != nil {
		fmt.Fprintf(std.err, "policy: %v\n", fileErr)
		return pol, exitUsage
	}
	return pol, exitOK
}

// policyCheckTimeout bounds config check's request to the provisioning
// URL.
const policyCheckTimeout = 15 * time.Second

// configInit writes a starter config: the global switch on, no source, a
// country code proposed from the locale in getenv, and one example hook
// switched off, so the file shows its own shape.
func configInit(p paths, std stdio, getenv func(string) string) int {
	if _, err := os.Stat(p.config); err == nil {
		fmt.Fprintf(std.err, "callhook: %s exists; not overwriting it\n", p.config)
		return exitFailure
	}
	cfg := hooks.Default()
	cfg.Hooks = append(cfg.Hooks, hooks.Hook{
		ID: "crm", Name: "Open the caller in the CRM", Enabled: false,
		Triggers: []call.Trigger{call.IncomingAnswer, call.QueueAnswer},
		Action:   hooks.ActionBrowser,
		URL:      "https://crm.example.com/search?phone={remote|e164}",
	})
	note := proposeCountryCode(cfg, getenv)
	if err := hooks.Save(p.config, cfg); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(std.out, "wrote %s\n%s\n", p.config, note)
	return exitOK
}

func cmdSecret(p paths, args []string, std stdio) int {
	if len(args) == 0 || (args[0] != "set" && args[0] != "delete") {
		fmt.Fprintln(std.err, "Usage: callhook secret set NAME   (value from stdin)\n       callhook secret delete NAME")
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags("secret "+sub, &p, std, "secret "+sub+" NAME")
	if code := parseFlags(fs, args, 1); code >= 0 {
		return code
	}
	name := fs.Arg(0)
	if !hooks.ValidSecretName(name) {
		fmt.Fprintf(std.err, "callhook: secret name %q: use letters, digits, - and _\n", name)
		return exitUsage
	}
	store := hooks.Keyring{}
	if sub == "delete" {
		if err := store.Delete(name); err != nil {
			fmt.Fprintf(std.err, "callhook: delete secret %q: %v\n", name, err)
			return exitFailure
		}
		fmt.Fprintf(std.out, "deleted secret %q\n", name)
		return exitOK
	}
	value, err := readSecret(std)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: read secret %q from stdin: %v\n", name, err)
		return exitUsage
	}
	if err := store.Set(name, value); err != nil {
		fmt.Fprintf(std.err, "callhook: store secret %q in the OS keychain: %v\n", name, err)
		return exitFailure
	}
	fmt.Fprintf(std.out, "stored secret %q in the OS keychain (service %q)\n", name, hooks.KeyringService)
	return exitOK
}

// readSecret reads the first line of stdin, without its line ending.
func readSecret(std stdio) (string, error) {
	if f, ok := std.in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(std.err, "value (then Enter): ")
		}
	}
	line, err := bufio.NewReader(std.in).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no value given")
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("empty value")
	}
	return line, nil
}
