package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/templates"
)

const hooksUsage = `Usage: callhook hooks list
       callhook hooks test ID [--trigger T]
       callhook hooks presets [--json]
       callhook hooks add --preset NAME [--param KEY=VALUE ...]`

func cmdHooks(p paths, args []string, std stdio) int {
	if len(args) == 0 {
		fmt.Fprintln(std.err, hooksUsage)
		return exitUsage
	}
	switch args[0] {
	case "list":
		return hooksList(p, args[1:], std)
	case "test":
		return hooksTest(p, args[1:], std)
	case "presets":
		return hooksPresets(p, args[1:], std)
	case "add":
		return hooksAdd(p, args[1:], std)
	}
	fmt.Fprintln(std.err, hooksUsage)
	return exitUsage
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
	// The hooks in force: the user's and the administrator's managed ones,
	// whose ids `hooks test` takes too.
	w := policyNow(context.Background(), p, slog.New(slog.DiscardHandler))
	pol := w.Policy()
	eff := pol.Apply(cfg)
	if len(eff.Hooks) == 0 {
		fmt.Fprintf(std.out, "no hooks in %s\n", p.config)
	} else {
		tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tON\tACTION\tTRIGGERS\tNAME")
		for _, h := range eff.Hooks {
			on := "on"
			if !h.Enabled {
				on = "off"
			}
			var tr []string
			for _, t := range h.Triggers {
				tr = append(tr, string(t))
			}
			name := h.Name
			if _, managed := pol.Managed(h.ID); managed {
				name = strings.TrimSpace(name + " (managed by the administrator's policy)")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, on, h.Action, strings.Join(tr, ","), name)
		}
		tw.Flush()
	}
	printPolicy(std, w.Status())
	if off := offNote(cfg.Enabled, pol); off != "" {
		fmt.Fprintln(std.out, off)
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
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// A running Callhook sends it, so its window shows the test too.
	dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
	c, err := dialAgent(dctx, p.data, false)
	dcancel()
	if err == nil {
		defer c.Close()
		return hooksTestViaAgent(ctx, c, p, cfg, id, call.Trigger(*trigger), std)
	}
	if !errors.Is(err, control.ErrNoAgent) {
		fmt.Fprintf(std.err, "callhook: the running Callhook does not answer: %v\n", err)
		return exitFailure
	}
	// The hooks in force as `run` has them: the user's and the policy's
	// managed ones, sent only where the policy lets them.
	w := policyNow(ctx, p, slog.New(slog.DiscardHandler))
	printPolicy(std, w.Status())
	pol := w.Policy()
	eff := pol.Apply(cfg)
	h, t, code := testTarget(p, eff, id, call.Trigger(*trigger), std)
	if h == nil {
		return code
	}
	// Every secret the request carried is masked in what is printed: a
	// receiver may echo the request's headers.
	secrets := hooks.NewSecretRecorder(hooks.Keyring{})
	d := hooks.NewDispatcher(nil, eff, hooks.WithSecrets(secrets), hooks.WithLogger(newLogger(std, false)), hooks.WithPolicy(pol))
	// Test's error says the same as the result's; the result is printed.
	res, err := d.Test(ctx, *h, t)
	secrets.AddRequest(h, templates.Sample(t, cfg.User, cfg.CountryCode))
	printTest(std, *h, t, secrets.RedactResult(res))
	if err != nil {
		return exitFailure
	}
	return exitOK
}

// hooksTestViaAgent has the running agent (or run) send hook id: its
// hooks in force are cfg under the policy it has.
func hooksTestViaAgent(ctx context.Context, c *control.Client, p paths, cfg *hooks.Config, id string, trigger call.Trigger, std stdio) int {
	// It learns of a hook just added to the file first.
	if _, err := c.Reload(); err != nil {
		fmt.Fprintf(std.err, "callhook: note: the running Callhook reports: %v\n", err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	h, t, code := testTarget(p, st.Policy.Policy.Apply(cfg), id, trigger, std)
	if h == nil {
		return code
	}
	fmt.Fprintf(std.out, "sent by the running callhook %s (pid %d)\n", st.Kind, st.PID)
	printPolicy(std, st.Policy)
	res, err := c.HookTest(ctx, id, t)
	if res.HookID == "" && err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	printTest(std, *h, t, res)
	if err != nil {
		return exitFailure
	}
	return exitOK
}

// testTarget finds hook id among the hooks in force (eff: the user's and
// the policy's managed ones) and the trigger to test it with: t, else
// its first. nil and an exit code when there is none.
func testTarget(p paths, eff *hooks.Config, id string, t call.Trigger, std stdio) (*hooks.Hook, call.Trigger, int) {
	h, ok := eff.Hook(id)
	if !ok {
		fmt.Fprintf(std.err, "callhook: no hook %q in %s or the administrator's policy\n", id, p.config)
		return nil, "", exitUsage
	}
	if t == "" {
		t = h.Triggers[0]
	}
	if !t.Valid() {
		fmt.Fprintf(std.err, "callhook: unknown trigger %q\n", t)
		return nil, "", exitUsage
	}
	return h, t, exitOK
}

// showLatency reports whether r's latency means something: an attempt
// that got no HTTP response and took under a millisecond (nothing
// listening, a refused browser URL) has none worth printing, and "0 ms"
// beside a failure reads as if the receiver had answered at once.
func showLatency(r hooks.Result) bool {
	return r.StatusCode != 0 || r.Latency >= time.Millisecond
}

func printTest(std stdio, h hooks.Hook, t call.Trigger, r hooks.Result) {
	fmt.Fprintf(std.out, "hook:     %s (%s, %s sample data)\n", h.ID, h.Action, t)
	if r.StatusCode != 0 {
		fmt.Fprintf(std.out, "status:   %d\n", r.StatusCode)
	}
	if showLatency(r) {
		fmt.Fprintf(std.out, "latency:  %d ms\n", r.Latency.Milliseconds())
	}
	if r.Error != "" {
		fmt.Fprintf(std.out, "error:    %s\n", r.Error)
	}
	if r.Response != "" {
		label := "response:"
		if h.Action == hooks.ActionBrowser {
			label = "result:  " // "opened https://... in the default browser"
		}
		fmt.Fprintf(std.out, "%s %s\n", label, r.Response)
	}
}

func hooksPresets(p paths, args []string, std stdio) int {
	fs := newFlags("hooks presets", &p, std, "hooks presets [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	ps := hooks.Presets()
	if *asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ps); err != nil {
			fmt.Fprintf(std.err, "callhook: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVENDOR\tACTION\tPARAMS\tSOURCE")
	for _, pr := range ps {
		params := strings.Join(pr.Params, ",")
		if !pr.Available {
			params = "(none: " + pr.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", pr.Name, pr.Vendor, pr.Action, params, pr.Source)
	}
	tw.Flush()
	fmt.Fprintln(std.out, "\nAdd one: callhook hooks add --preset NAME [--param KEY=VALUE ...]")
	return exitOK
}

// paramFlags collects repeated --param KEY=VALUE.
type paramFlags map[string]string

func (f paramFlags) String() string { return "" }

func (f paramFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, not %q", s)
	}
	if _, dup := f[k]; dup {
		return fmt.Errorf("%s given twice", k)
	}
	f[k] = v
	return nil
}

// hooksAdd writes a hook made from a preset into the config and prints
// its id.
func hooksAdd(p paths, args []string, std stdio) int {
	fs := newFlags("hooks add", &p, std, "hooks add --preset NAME [--param KEY=VALUE ...]")
	preset := fs.String("preset", "", "preset `name` (see callhook hooks presets)")
	params := paramFlags{}
	fs.Var(params, "param", "a preset parameter as `KEY=VALUE`; repeat for each")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	if *preset == "" {
		fs.Usage()
		return exitUsage
	}
	h, err := hooks.FromPreset(*preset, params)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitUsage
	}
	cfg, code := loadConfig(&p, std, true)
	if cfg == nil {
		return code
	}
	// The administrator's policy decides as in the editor: the managed
	// hooks keep their ids, and a host it does not allow is refused.
	pol := policyNow(context.Background(), p, slog.New(slog.DiscardHandler)).Policy()
	h.ID = pol.Apply(cfg).UniqueHookID(h.ID)
	if err := pol.CheckURL(h.URL); err != nil {
		fmt.Fprintf(std.err, "callhook: preset %s: %v\n", *preset, err)
		return exitUsage
	}
	cfg.Hooks = append(cfg.Hooks, h)
	if err := hooks.Save(p.config, cfg); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		var ve *hooks.ValidationError
		if errors.As(err, &ve) {
			return exitUsage
		}
		return exitFailure
	}
	fmt.Fprintln(std.out, h.ID)
	for _, s := range secretNames(h) {
		fmt.Fprintf(std.err, "store its secret: callhook secret set %s\n", s)
	}
	// What the vendor's documentation makes the user do or know (Zoho's
	// tokens expire after an hour) is said where the hook is made.
	ps := hooks.Presets()
	if i := slices.IndexFunc(ps, func(pr hooks.Preset) bool { return pr.Name == *preset }); i >= 0 && ps[i].Note != "" {
		fmt.Fprintf(std.err, "note: %s\n", ps[i].Note)
	}
	return exitOK
}

// secretNames lists the {secret.NAME}s a hook uses, in order.
func secretNames(h hooks.Hook) []string {
	var out []string
	add := func(src string) {
		t, err := templates.Parse(src)
		if err != nil {
			return
		}
		for _, r := range t.Refs() {
			if r.Name == "secret" && !slices.Contains(out, r.Arg) {
				out = append(out, r.Arg)
			}
		}
	}
	add(h.URL)
	add(h.Body)
	for _, k := range slices.Sorted(maps.Keys(h.Headers)) {
		add(h.Headers[k])
	}
	return out
}
