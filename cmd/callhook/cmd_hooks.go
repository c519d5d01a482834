package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

func cmdHooks(p paths, args []string, std stdio) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "test") {
		fmt.Fprintln(std.err, "Usage: callhook hooks list\n       callhook hooks test ID [--trigger T]")
		return exitUsage
	}
	if args[0] == "list" {
		return hooksList(p, args[1:], std)
	}
	return hooksTest(p, args[1:], std)
}

func hooksList(p paths, args []string, std stdio) int {
	fs := newFlags("hooks list", &p, std, "hooks list")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	cfg, code := loadConfig(&p, std, true)
	if cfg == nil {
		return code
	}
	if len(cfg.Hooks) == 0 {
		fmt.Fprintf(std.out, "no hooks in %s\n", p.config)
		return exitOK
	}
	tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tON\tACTION\tTRIGGERS\tNAME")
	for _, h := range cfg.Hooks {
		on := "on"
		if !h.Enabled {
			on = "off"
		}
		var tr []string
		for _, t := range h.Triggers {
			tr = append(tr, string(t))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, on, h.Action, strings.Join(tr, ","), h.Name)
	}
	tw.Flush()
	if !cfg.Enabled {
		fmt.Fprintln(std.out, "all hooks are switched off (\"enabled\": false)")
	}
	return exitOK
}

func hooksTest(p paths, args []string, std stdio) int {
	fs := newFlags("hooks test", &p, std, "hooks test ID [--trigger T]")
	trigger := fs.String("trigger", "", "trigger whose sample data to send (default: the hook's first)")
	timeout := fs.Duration("wait", 30*time.Second, "how long to wait for the answer")
	if code := parseFlags(fs, args, 1); code >= 0 {
		return code
	}
	cfg, code := loadConfig(&p, std, false)
	if cfg == nil {
		return code
	}
	id := fs.Arg(0)
	h, ok := cfg.Hook(id)
	if !ok {
		fmt.Fprintf(std.err, "callhook: no hook %q in %s\n", id, p.config)
		return exitUsage
	}
	t := call.Trigger(*trigger)
	if t == "" {
		t = h.Triggers[0]
	}
	if !t.Valid() {
		fmt.Fprintf(std.err, "callhook: unknown trigger %q\n", t)
		return exitUsage
	}
	// Every secret the request carried is masked in what is printed: a
	// receiver may echo the request's headers.
	secrets := hooks.NewSecretRecorder(hooks.Keyring{})
	d := hooks.NewDispatcher(nil, cfg, hooks.WithSecrets(secrets), hooks.WithLogger(newLogger(std, false)))
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// Test's error says the same as the result's; the result is printed.
	res, err := d.Test(ctx, *h, t)
	secrets.AddRequest(h, templates.Sample(t, cfg.User, cfg.CountryCode))
	printTest(std, *h, t, secrets.RedactResult(res))
	if err != nil {
		return exitFailure
	}
	return exitOK
}

func printTest(std stdio, h hooks.Hook, t call.Trigger, r hooks.Result) {
	fmt.Fprintf(std.out, "hook:     %s (%s, %s sample data)\n", h.ID, h.Action, t)
	if r.StatusCode != 0 {
		fmt.Fprintf(std.out, "status:   %d\n", r.StatusCode)
	}
	fmt.Fprintf(std.out, "latency:  %d ms\n", r.Latency.Milliseconds())
	if r.Error != "" {
		fmt.Fprintf(std.out, "error:    %s\n", r.Error)
	}
	if r.Response != "" {
		fmt.Fprintf(std.out, "response: %s\n", r.Response)
	}
}
