// Command kamcfg renders a Kamailio config template of testdata/kamailio
// with Go's text/template, exactly as the tests do (internal/siptest), for
// the scripts that run Kamailio themselves:
//
//	go run ./scripts/kamcfg testdata/kamailio/proxy.cfg Port=5060 ModulesDir=/usr/lib/... IP=10.231.0.2 TLS=true
//
// Values "true" and "false" are booleans; fields left out are empty, and
// booleans false. debug=0 replaces the template's debug=2, so a load test
// does not measure Kamailio's logging.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/template"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kamcfg TEMPLATE [Field=value ...]")
		os.Exit(2)
	}
	// The fields the templates know, with the tests' defaults; a field
	// the template uses and nobody set is an error, not "<no value>".
	vars := map[string]any{"Port": "5060", "ModulesDir": "", "IP": "127.0.0.1", "TLS": false, "TLSPort": "5061",
		"TLSConfig": "", "NAT": false, "Auth": false, "DBDir": ""}
	for _, kv := range os.Args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "kamcfg: %q is not Field=value\n", kv)
			os.Exit(2)
		}
		switch v {
		case "true":
			vars[k] = true
		case "false":
			vars[k] = false
		default:
			vars[k] = v
		}
	}
	tmpl, err := template.New("").Option("missingkey=error").ParseFiles(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "kamcfg: %v\n", err)
		os.Exit(1)
	}
	var out bytes.Buffer
	if err := tmpl.ExecuteTemplate(&out, tmpl.Templates()[0].Name(), vars); err != nil {
		fmt.Fprintf(os.Stderr, "kamcfg: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.Write(bytes.Replace(out.Bytes(), []byte("\ndebug=2\n"), []byte("\ndebug=0\n"), 1))
}
