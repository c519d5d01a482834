// Command windowprobe shows Callhook's real window (package ui) on a real
// engine in one process, with no control socket between them. The agent
// reaches its window over an AF_UNIX socket, which Wine 8.0 cannot create
// (WSAEAFNOSUPPORT); scripts/wine-test.sh uses this probe to find out
// whether, that aside, the Fyne window and its OpenGL drawing work under
// Wine. It exits 0 when the window is closed or on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/agent"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/ui"
)

func main() {
	config := flag.String("config", "", "config `file`")
	data := flag.String("data", "", "journal `dir`ectory")
	flag.Parse()
	os.Exit(run(*config, *data))
}

func run(config, data string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := hooks.Load(config)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "windowprobe: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := engine.Open(data, cfg, log)
	if err != nil {
		fmt.Fprintf(os.Stderr, "windowprobe: %v\n", err)
		return 1
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.Close(cctx)
	}()
	if err := e.Start(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "windowprobe: %v\n", err)
		return 1
	}
	svc := agent.NewService(ctx, e, agent.ServiceOptions{Config: config, Kind: agent.KindAgent, Version: "windowprobe", Log: log})
	defer svc.Close()

	a := app.NewWithID("io.callhook.app")
	u := ui.New(a, svc, ui.Options{ConfigPath: config, Log: log})
	go func() {
		<-ctx.Done()
		log.Info("signal received, closing the window")
		fyne.Do(u.Quit)
	}()
	u.Start()
	a.Run()
	log.Info("window closed")
	return 0
}
