package main

import (
	"io"
	"log/slog"
	"os"
)

// newLogger logs text to stderr; debug with CALLHOOK_DEBUG=1.
func newLogger(std stdio, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("CALLHOOK_DEBUG") == "1" {
		level = slog.LevelDebug
	} else if quiet {
		level = slog.LevelWarn
	}
	var w io.Writer = std.err
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
