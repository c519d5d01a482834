package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/callhook/callhook/hooks"
)

// Exit codes of DESIGN.md.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// paths are the two locations every command takes.
type paths struct {
	config string
	data   string
}

const usage = `Callhook fires webhooks when your SIP phone rings, is answered or hangs up.

Usage:
  callhook [--config F] [--data DIR]           start Callhook: tray icon, and its window
                                               (a second start shows the window)
  callhook <command> [flags]

Commands:
  status [--json]              the running Callhook's state: source, calls, pending deliveries
  run                          headless: watch calls and deliver hooks until Ctrl-C
  simulate --direction in|out --remote N [--name S] [--queue Q]
           [--answer-after D] [--hangup-after D] [--outcome O] [--wait D]
                               feed one synthetic call through your hooks and
                               print every delivery (no PBX needed)
  hooks list                   list the configured hooks
  hooks test ID [--trigger T]  fire one hook once with sample data
  hooks presets [--json]       CRM presets: vendor, action, parameters, documentation
  hooks add --preset NAME [--param KEY=VALUE ...]
                               add a hook made from a preset; prints its id
  config check                 validate the config; exit 2 naming every problem
  config path                  print the config file and data directory in use
  config init                  write a starter config if there is none
  secret set NAME              read a secret from stdin into the OS keychain
  secret delete NAME           remove it
  history [--limit N] [--json] recent calls and their deliveries
  version                      print the version

Flags every command takes:
  --config F   config file (default: $CALLHOOK_CONFIG, else %s)
  --data DIR   journal and outbox directory (default: %s)

Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad config.
Run 'callhook <command> --help' for a command's flags.
`

// run is main without os.Exit, so tests can call it.
func run(args []string, std stdio) int {
	p, rest, err := globalFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(std.out)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitUsage
	}
	if len(rest) == 0 {
		return startAgent(p, std)
	}
	cmd, rest := rest[0], rest[1:]
	switch cmd {
	case "run":
		return cmdRun(p, rest, std)
	case "window":
		return cmdWindow(p, rest, std)
	case "status":
		return cmdStatus(p, rest, std)
	case "simulate":
		return cmdSimulate(p, rest, std)
	case "hooks":
		return cmdHooks(p, rest, std)
	case "config":
		return cmdConfig(p, rest, std)
	case "secret":
		return cmdSecret(p, rest, std)
	case "history":
		return cmdHistory(p, rest, std)
	case "version", "--version":
		fmt.Fprintf(std.out, "callhook %s\n", version)
		return exitOK
	case "help", "-h", "--help":
		printUsage(std.out)
		return exitOK
	}
	fmt.Fprintf(std.err, "callhook: unknown command %q\n\n", cmd)
	printUsage(std.err)
	return exitUsage
}

func printUsage(w io.Writer) {
	cfg, _ := defaultConfigPath()
	data, _ := defaultDataDir()
	fmt.Fprintf(w, usage, cfg, data)
}

// globalFlags parses --config and --data standing before the command.
func globalFlags(args []string) (paths, []string, error) {
	var p paths
	fs := flag.NewFlagSet("callhook", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&p.config, "config", "", "")
	fs.StringVar(&p.data, "data", "", "")
	if err := fs.Parse(args); err != nil {
		return p, nil, err
	}
	return p, fs.Args(), nil
}

// newFlags returns a command's flag set with --config and --data, which
// override the global ones.
func newFlags(name string, p *paths, std stdio, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("callhook "+name, flag.ContinueOnError)
	fs.SetOutput(std.err)
	fs.StringVar(&p.config, "config", p.config, "config `file`")
	fs.StringVar(&p.data, "data", p.data, "journal and outbox `dir`ectory")
	fs.Usage = func() {
		fmt.Fprintf(std.err, "Usage: callhook %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command's flags; it returns the exit code to stop
// with, or -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string, wantArgs int) int {
	if err := fs.Parse(interspersed(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if wantArgs >= 0 && fs.NArg() != wantArgs {
		fs.Usage()
		return exitUsage
	}
	return -1
}

// interspersed moves positional arguments behind the flags, so that
// `hooks test crm --trigger incoming.answer` works as users type it.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, pos...)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func defaultConfigPath() (string, error) { return hooks.DefaultPath() }

func defaultDataDir() (string, error) {
	if d := os.Getenv("CALLHOOK_DATA"); d != "" {
		return d, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find data directory: %w (use --data)", err)
	}
	return filepath.Join(dir, "callhook"), nil
}

// resolve fills in the default paths.
func (p paths) resolve() (paths, error) {
	var err error
	if p.config == "" {
		if p.config, err = defaultConfigPath(); err != nil {
			return p, err
		}
	}
	if p.data == "" {
		if p.data, err = defaultDataDir(); err != nil {
			return p, err
		}
	}
	return p, nil
}

// resolveOrReport fills in the default paths; on failure it prints why and
// returns the exit code to stop with, else -1.
func (p *paths) resolveOrReport(std stdio) int {
	r, err := p.resolve()
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	*p = r
	return -1
}

// loadConfig fills in the default paths, then loads and validates the
// config. A missing file is the default config when allowMissing is set.
// Problems are printed; the exit code to stop with is returned with a nil
// config.
func loadConfig(p *paths, std stdio, allowMissing bool) (*hooks.Config, int) {
	if code := p.resolveOrReport(std); code >= 0 {
		return nil, code
	}
	cfg, err := hooks.Load(p.config)
	if errors.Is(err, os.ErrNotExist) && allowMissing {
		return hooks.Default(), -1
	}
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return nil, exitUsage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(std.err, "callhook: %s: %v\n", p.config, err)
		return nil, exitUsage
	}
	return cfg, -1
}
