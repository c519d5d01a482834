// Package control is the local control API of the resident agent: the
// process that runs the engine and the tray icon serves it, and the
// window process, `callhook status`, `callhook simulate`, `callhook hooks
// test` and a second launch use it.
//
// The API is HTTP/1.1 with JSON bodies over a Unix domain socket of mode
// 0600 (see SocketPath and Listen), so only its user reaches it. Every
// ui.Backend method is one endpoint under /v1/; GET /v1/events streams
// ui.Events as NDJSON, one per line. Errors are JSON objects
// {"error": "...", "problems": [...]}; a *hooks.ValidationError crosses
// with its problems, so the window can name every field to fix.
//
// The agent serves a Service with Serve; clients Dial and use the
// Client, which is itself a ui.Backend.
//
// Package ui builds on Fyne, which needs cgo on macOS; the files that use
// it carry `//go:build cgo || !darwin`, so that the socket code is still
// vetted for macOS without a C toolchain.
package control
