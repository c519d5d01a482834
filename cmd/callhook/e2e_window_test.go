package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/siptest"
	"github.com/callhook/callhook/templates"
)

// The walkthrough drives the real window under Xvfb the way a new user
// would, from the keyboard: Tab and Shift+Tab move the focus, Space ticks
// and presses, the menu bar and Ctrl+N, Ctrl+1, Ctrl+2 get around, Escape
// closes a question. Every step is proven by what it leaves outside the
// window (the config file, the keychain, the receiver, an exported CSV) and
// photographed; CALLHOOK_DOCS_OUT=dir keeps the photographs
// (scripts/window-walkthrough.sh writes docs/walkthrough).
//
// Focus order is fyne's walk of the widget tree: a Border container's
// centre comes before its edges, so the hook editor's form comes before
// the Back, Undo and Test buttons above it, and Shift+Tab from the form's
// first field reaches Test. Hidden and disabled widgets are skipped; the
// editor's text fields, the multi-line body too, pass Tab on. Tab with the focused widget gone
// (its page was replaced) starts at the first widget, Shift+Tab at the
// last.

// secretValue is the header value typed key by key; no piece of it that
// could identify it may ever be in a file.
const secretValue = "Bearer topsecret99"

// secretPieces are what the config file and the data directory must never
// contain: "tops" is the shortest prefix of the token longer than three
// characters, so every longer one contains it; "Bearer" would show that
// the value was saved, if not yet all of it.
var secretPieces = []string{"tops", "Bearer"}

// Positions in the hook editor's focus order (see above): Name, the
// eleven trigger boxes column by column, the three actions, the URL.
const (
	focusName          = 0
	focusOutgoingEnded = 3
	focusIncomingAns   = 5
	focusQueueAnswered = 9
	focusQueueEnded    = 10
	focusPost          = 14
	focusURL           = 15
	// For a POST hook: the URL's placeholder button, the content type,
	// Call record JSON.
	focusPreset = 18
	// Shift+Tab from Name: Test, Undo changes, Back to the list, the
	// signing key's Generate, Retries, Timeout, Add header.
	backFromNameToAddHeader = 7
)

// walkLang is one pass of the walkthrough: it starts in one language and
// switches to the other in step 4, so that together the two passes show
// every step in both.
type walkLang struct {
	start, other string // "en", "de"
	switchKey    string // on the Language select: English -> Deutsch is Right
	crmName      string // the browser hook's name, as typed
	crmID        string // the id the editor makes of it
	logName      string // the POST hook's name, as typed
	logID        string
}

var walkLangs = []walkLang{
	{start: "en", other: "de", switchKey: "Right", crmName: "Open CRM", crmID: "open-crm", logName: "Log call", logID: "log-call"},
	{start: "de", other: "en", switchKey: "Left", crmName: "CRM-Suche", crmID: "crm-suche", logName: "Anrufprotokoll", logID: "anrufprotokoll"},
}

// The simulated calls of step 5: a queue call in and a call out.
const (
	queueNumber = "+4930555010"
	queueName   = "Erika Mustermann"
	outNumber   = "+4940777020"
	outName     = "Hans Meier"
	// search is queueNumber as people write it at home (country code 49).
	search = "030 555010"
)

func walkConfig(lang string) string {
	return fmt.Sprintf(`{"version": 1, "enabled": true, "user": "max", "country_code": "49",
  "source": {"mode": "none"}, "queues": [{"name": "Support", "numbers": ["200"]}],
  "ui": {"language": %q}, "hooks": []}`, lang)
}

// TestWindowWalkthrough adds a browser hook with the placeholder menu,
// types a bearer token into a new POST hook key by key (the config file is
// read after every key) and ticks Secret, undoes an edit, switches the
// language, simulates a queue call and an outgoing call, and searches and
// exports the history.
func TestWindowWalkthrough(t *testing.T) {
	msg := ""
	if os.Getenv("CALLHOOK_KEYRING") != "1" {
		msg = "no keychain session: run the tests under scripts/with-session.sh"
	}
	siptest.RequireReal(t, msg)
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			siptest.RequireReal(t, tool+" not found (apt install xdotool imagemagick)")
		}
	}
	for _, l := range walkLangs {
		t.Run(l.start, func(t *testing.T) { walkthrough(t, l) })
	}
}

func walkthrough(t *testing.T, l walkLang) {
	start := time.Now()
	rc := newReceiver(t)
	e := newEnv(t, walkConfig(l.start))
	w := newWalk(t, e, l)
	crmID, logID := l.crmID, l.logID
	secretName := logID + "-authorization"
	hooks.Keyring{}.Delete(secretName) // left by an earlier run that failed
	t.Cleanup(func() { hooks.Keyring{}.Delete(secretName) })
	guard := guardFiles(t, filepath.Dir(e.config), secretPieces)

	w.step("step 0: the agent opens the window")
	w.waitText("the first frame", image.Rect(0, 0, w.width, w.height/2))
	w.shot("0-empty", nil)

	w.step("step 1: Ctrl+N, a browser hook, a placeholder from the menu")
	w.keysSettle("ctrl+n")
	w.tab(1)
	w.keys("ctrl+a")
	w.typeText(l.crmName)
	w.tab(focusQueueAnswered - focusName)
	w.keys("space")
	w.tab(focusURL - focusQueueAnswered)
	const crmURL = "https://crm.example.com/search?phone="
	w.typeText(crmURL)
	w.waitHook(crmID, "its URL typed", func(h hooks.Hook) bool { return h.URL == crmURL })
	w.tab(1) // Insert placeholder
	w.keysSettle("space")
	triggers := []call.Trigger{call.IncomingAnswer, call.QueueAnswer}
	// The menu's first group is the phone numbers: {caller}, {callee},
	// {remote}, {remote|e164}, {remote|digits}.
	w.keys("Down", "Right", "Down", "Down", "Down")
	w.shot("1-placeholder-menu", nil)
	w.keys("Return")
	crm := w.waitHook(crmID, "the placeholder in its URL", func(h hooks.Hook) bool { return h.URL == crmURL+"{remote|e164}" })
	w.shot("1-browser-hook", nil)
	if want := (hooks.Hook{ID: crmID, Name: l.crmName, Enabled: true, Triggers: triggers, Action: hooks.ActionBrowser,
		URL: crmURL + "{remote|e164}"}); !reflect.DeepEqual(crm, want) {
		t.Errorf("browser hook = %+v, want %+v", crm, want)
	}
	w.tab(1) // Back to the list: a browser hook has nothing below the URL
	w.keys("space")

	w.step("step 2: File > New hook, a POST hook, a bearer token typed key by key, then Secret")
	w.keysSettle("alt")
	w.keysSettle("Down", "Return")
	w.tab(1)
	w.keys("ctrl+a")
	w.typeText(l.logName)
	w.tab(focusOutgoingEnded - focusName)
	w.keys("space")
	w.tab(focusIncomingAns - focusOutgoingEnded)
	w.keys("space") // a new hook starts on incoming calls answered
	w.tab(focusQueueEnded - focusIncomingAns)
	w.keys("space")
	w.tab(focusPost - focusQueueEnded)
	w.keys("space")
	w.tab(focusURL - focusPost)
	w.typeText(rc.URL + "/calls")
	w.tab(focusPreset - focusURL)
	w.keys("space")
	w.waitHook(logID, "a POST with the call record", func(h hooks.Hook) bool {
		return h.Action == hooks.ActionPost && h.URL == rc.URL+"/calls" && h.Body == templates.RecordPreset
	})
	// Backwards to the headers, round past the buttons at the top.
	w.backTab(focusPreset - focusName + backFromNameToAddHeader)
	w.keys("space") // Add header
	w.backTab(4)    // its delete button, Secret, the value, the name
	for _, r := range "Authorization" {
		w.saves(func() { w.typeText(string(r)) })
	}
	w.saves(func() { w.tab(1) }) // leaving the name saves too
	for _, r := range secretValue {
		w.saves(func() { w.typeText(string(r)) })
	}
	w.scrollToEnd()
	w.shot("2-credential-held", nil)
	if h := w.hook(logID); h.Headers["Authorization"] != "" {
		t.Errorf("a credential waiting for the user's choice is in the config: %q", h.Headers["Authorization"])
	}
	w.tab(1) // leaving the value holds it back, and focuses Secret
	w.keys("space")
	ref := "{secret." + secretName + "}"
	logHook := w.waitHook(logID, "the header naming the keychain", func(h hooks.Hook) bool { return h.Headers["Authorization"] == ref })
	if got, err := (hooks.Keyring{}).Get(secretName); err != nil || got != secretValue {
		t.Errorf("keychain %q = %q, %v; want the typed value", secretName, got, err)
	}
	w.shot("2-secret-stored", nil)
	if want := []call.Trigger{call.OutgoingHangup, call.QueueHangup}; !slices.Equal(logHook.Triggers, want) {
		t.Errorf("POST hook fires on %v, want %v", logHook.Triggers, want)
	}
	// Secret's box, the row's delete button, Add header, Timeout,
	// Retries, Generate, Back to the list.
	w.tab(6)
	w.keys("space")

	w.step("step 3: untick a trigger of the browser hook, then Undo changes")
	w.tab(3) // the first row's switch, Test, Edit
	w.keysSettle("space")
	w.tab(focusIncomingAns + 1)
	w.keys("space")
	w.waitHook(crmID, "incoming calls answered unticked", func(h hooks.Hook) bool {
		return slices.Equal(h.Triggers, []call.Trigger{call.QueueAnswer})
	})
	w.shot("3-trigger-unticked", nil)
	w.backTab(focusIncomingAns - focusName + 2) // back to Name, on to Test, Undo changes
	w.keysSettle("space")
	w.shot("3-undo-question", nil)
	w.keysSettle("Escape") // keeps the changes
	if h := w.hook(crmID); !slices.Equal(h.Triggers, []call.Trigger{call.QueueAnswer}) {
		t.Errorf("Escape on the undo question changed the hook: %v", h.Triggers)
	}
	w.keysSettle("space") // Undo changes still has the focus
	w.tab(2)              // Keep changes, Undo changes
	w.keys("space")
	w.waitHook(crmID, "as it was before the edit", func(h hooks.Hook) bool { return reflect.DeepEqual(h, crm) })
	w.shot("3-undone", nil)

	w.step("step 4: View > Settings, the language")
	w.keysSettle("alt")
	w.keys("Right")
	w.keys(repeat("Down", 3)...)
	w.keysSettle("Return")
	w.backTab(1) // the last field: Language
	before := w.grab()
	w.keys(l.switchKey)
	w.waitConfig("ui.language "+l.other, func(c *hooks.Config) bool { return c.UI.Language == l.other })
	after := w.settle("the window in the other language", before)
	// The tab bar under the menu bar: its labels are the first thing the
	// switch rewrites.
	if tabs := image.Rect(0, 0, after.Bounds().Dx(), after.Bounds().Dy()/10); diffPixels(before, after, tabs) < 50 {
		t.Errorf("the menu and tab labels did not change with the language")
	}
	w.lang = l.other
	w.scrollToEnd()
	w.shot("4-language", nil)

	w.step("step 5: Simulate a call: a queue call in, a call out")
	w.keysSettle("ctrl+1")
	w.backTab(1) // Simulate a call, last in the Hooks tab
	w.keysSettle("space")
	w.tab(3) // Incoming, Outgoing, Queue
	w.typeText("Support")
	w.tab(2) // the queue's drop-down, Number
	w.keys("ctrl+a")
	w.typeText(queueNumber)
	w.tab(1)
	w.keys("ctrl+a")
	w.typeText(queueName)
	w.shot("5-simulate-queue-call", nil)
	w.tab(2) // Cancel, Simulate
	w.keysSettle("space")
	w.keysSettle("space") // Simulate a call still has the focus
	w.tab(2)
	w.keys("space") // Outgoing: the queue is off, and out of the way
	w.tab(1)
	w.keys("ctrl+a")
	w.typeText(outNumber)
	w.tab(1)
	w.keys("ctrl+a")
	w.typeText(outName)
	w.shot("5-simulate-outgoing-call", nil)
	w.tab(2)
	w.keys("space")

	got := rc.waitFor(t, 2, time.Minute)
	seen := map[string]bool{}
	for _, req := range got {
		if a := req.Header.Get("Authorization"); a != secretValue {
			t.Errorf("delivery carries Authorization %q, want the keychain's value", a)
		}
		body := decodeJSON(t, req.Body)
		seen[fmt.Sprint(body["trigger"])] = true
		if body["trigger"] == string(call.QueueHangup) && (body["queue"] != "Support" || !bytes.Contains(req.Body, []byte(queueNumber))) {
			t.Errorf("queue call delivered as %s", req.Body)
		}
		if body["trigger"] == string(call.OutgoingHangup) && !bytes.Contains(req.Body, []byte(outNumber)) {
			t.Errorf("outgoing call delivered as %s", req.Body)
		}
	}
	if !seen[string(call.QueueHangup)] || !seen[string(call.OutgoingHangup)] {
		t.Errorf("deliveries for %v, want queue.hangup and outgoing.hangup", seen)
	}
	w.waitOpened("https://crm.example.com/search?phone=%2B4930555010")
	w.waitDelivered(3)
	w.keys("ctrl+2")
	w.waitHistoryShown()
	w.shot("5-calls", nil)

	w.step("step 6: export the history, search it, export what the search keeps")
	w.backTab(2) // Refresh, Export CSV
	all := w.exportCSV("history-all.csv", "6-export-dialog")
	if got := csvNumbers(t, all); !slices.Equal(got, []string{outNumber, queueNumber, queueNumber}) {
		t.Errorf("the exported history holds the numbers %v, want both calls with their 3 deliveries", got)
	}
	w.backTab(2) // the filter, the search field
	w.typeText(search)
	w.tab(2) // the filter, Export CSV
	found := w.exportCSV("history-search.csv", "")
	if got := csvNumbers(t, found); !slices.Equal(got, []string{queueNumber, queueNumber}) {
		t.Errorf("searching %q kept the numbers %v, want only %s's call", search, got, queueNumber)
	}
	w.shot("6-search", nil)

	w.step("quit: Ctrl+W closes the window, and with no tray, Callhook")
	w.keys("ctrl+w")
	select {
	case <-w.agent.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("Callhook still runs 30s after Ctrl+W:\n%s", w.agent.logs())
	}
	if w.agent.code != 0 {
		t.Errorf("Callhook exited %d after Ctrl+W:\n%s", w.agent.code, w.agent.logs())
	}
	if strings.Contains(w.agent.logs(), "Error in Fyne call thread") {
		t.Errorf("quitting logged fyne errors:\n%s", w.agent.logs())
	}
	guard.stop()
	// The config's directory holds the data directory (journal, WAL);
	// the home directory what the window wrote (fyne's preferences, the
	// exports).
	for _, dir := range []string{filepath.Dir(e.config), w.home} {
		scanForPieces(t, dir, secretPieces)
	}
	w.step("")
	t.Logf("walkthrough %s -> %s: %v (%s), %d config versions read", l.start, l.other,
		time.Since(start).Round(100*time.Millisecond), strings.Join(w.laps, ", "), guard.versions())
}

// walk is the running agent and its window, and the keyboard to drive it.
type walk struct {
	t       *testing.T
	e       *env
	agent   *proc
	display string
	wid     string
	width   int
	height  int
	home    string // the window's HOME: the save dialog starts there
	opened  string // the fake browser writes each URL it is asked to open here
	shots   string
	lang    string // the language the window shows, for the shots' names
	// laps are the steps' times, for the log.
	laps    []string
	stepAt  time.Time
	stepNum string
}

// step logs the start of a step ("" ends the last) and notes how long the
// one before took.
func (w *walk) step(title string) {
	if w.stepNum != "" {
		w.laps = append(w.laps, fmt.Sprintf("%s %v", w.stepNum, time.Since(w.stepAt).Round(100*time.Millisecond)))
	}
	w.stepAt = time.Now()
	w.stepNum, _, _ = strings.Cut(title, ":")
	if title != "" {
		w.t.Log(title)
	}
}

// newWalk starts the agent without a tray (it opens the window, and
// closing the window quits) on Xvfb, with the keychain of the test's
// session bus, a dark theme, and xdg-open replaced by a script that only
// writes down the URL.
func newWalk(t *testing.T, e *env, l walkLang) *walk {
	var display string
	// Registered first, so it runs after Xvfb has been killed: a killed
	// Xvfb leaves its socket and lock behind, which would keep its
	// display number taken for every later test.
	t.Cleanup(func() { removeXFiles(display) })
	display, _ = e.desktop(false)
	w := &walk{t: t, e: e, display: display, lang: l.start, shots: t.TempDir()}
	for _, v := range e.vars {
		if h, ok := strings.CutPrefix(v, "HOME="); ok {
			w.home = h
		}
	}
	bin := t.TempDir()
	w.opened = filepath.Join(bin, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >>" + w.opened + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// desktop's private bus has no keychain; the session's has (the
	// variable set last wins).
	e.vars = append(e.vars, "DBUS_SESSION_BUS_ADDRESS="+os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
		"FYNE_THEME=dark", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	w.agent = e.launch(ctx)
	w.agent.waitLog(t, "callhook agent running", 30*time.Second)
	w.wid = xWindow(t, display, waitWindowProc(t, w.agent))
	geo := w.xdotool("getwindowgeometry", "--shell", w.wid)
	for _, line := range strings.Fields(geo) {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "WIDTH":
			w.width, _ = strconv.Atoi(v)
		case "HEIGHT":
			w.height, _ = strconv.Atoi(v)
		}
	}
	if w.width == 0 || w.height == 0 {
		t.Fatalf("window geometry: %q", geo)
	}
	w.xdotool("windowfocus", "--sync", w.wid)
	t.Cleanup(w.keepShots)
	return w
}

func (w *walk) xdotool(args ...string) string {
	w.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+w.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys presses keys one after another, as xdotool names them.
func (w *walk) keys(names ...string) {
	w.t.Helper()
	w.xdotool(append([]string{"key", "--clearmodifiers", "--delay", "50"}, names...)...)
}

// keysSettle presses keys that change the window a lot (a page, a dialog,
// a menu) and waits until it shows the change and holds still. The keys
// after it would reach the window in order anyway; the wait makes a key
// that did nothing fail at its own step, and a photograph after it show
// what it did.
func (w *walk) keysSettle(names ...string) *image.RGBA {
	w.t.Helper()
	before := w.grab()
	w.keys(names...)
	return w.settle(strings.Join(names, " "), before)
}

func (w *walk) tab(n int)     { w.t.Helper(); w.keys(repeat("Tab", n)...) }
func (w *walk) backTab(n int) { w.t.Helper(); w.keys(repeat("shift+Tab", n)...) }

func (w *walk) typeText(s string) {
	w.t.Helper()
	w.xdotool("type", "--delay", "40", "--", s)
}

// saves does what edits a header (a key typed, the field left), waits for
// the save that causes (every edit saves the hook, with a credential held
// back), and reads the config file that save wrote. Waiting makes each
// key its own save: the window coalesces edits made while one is saved.
func (w *walk) saves(edit func()) {
	w.t.Helper()
	before, err := os.Stat(w.e.config)
	if err != nil {
		w.t.Fatal(err)
	}
	edit()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		// The file is replaced by rename: a new version is a new inode.
		if st, err := os.Stat(w.e.config); err == nil && !os.SameFile(before, st) {
			break
		}
		if time.Now().After(deadline) {
			w.save("failed", w.raw())
			w.t.Fatalf("no save of the config within 15s of an edit of the header")
		}
	}
	b, err := os.ReadFile(w.e.config)
	if err != nil {
		w.t.Fatal(err)
	}
	if p := piece(b, secretPieces); p != "" {
		w.t.Fatalf("while the header is typed the config file holds %q:\n%s", p, b)
	}
}

// waitConfig polls the config file until ok holds.
func (w *walk) waitConfig(what string, ok func(*hooks.Config) bool) *hooks.Config {
	w.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := hooks.Load(w.e.config)
		if err == nil && ok(c) {
			return c
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(w.e.config)
			w.save("failed", w.raw())
			w.t.Fatalf("config: no %s within 20s (%v):\n%s", what, err, b)
		}
	}
}

// waitHook waits for hook id to be saved with ok holding, and returns it.
func (w *walk) waitHook(id, what string, ok func(hooks.Hook) bool) hooks.Hook {
	w.t.Helper()
	var h hooks.Hook
	w.waitConfig("hook "+id+" with "+what, func(c *hooks.Config) bool {
		hk, found := c.Hook(id)
		if found {
			h = hk.Clone()
		}
		return found && ok(h)
	})
	return h
}

// hook is hook id as the config file holds it now.
func (w *walk) hook(id string) hooks.Hook {
	w.t.Helper()
	return w.waitHook(id, "any content", func(hooks.Hook) bool { return true })
}

// waitOpened waits for the fake browser to have been asked for url.
func (w *walk) waitOpened(url string) {
	w.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(w.opened)
		if slices.Contains(strings.Split(string(b), "\n"), url) {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the browser hook did not open %s within 30s; opened:\n%s", url, b)
		}
	}
}

// waitDelivered waits until the journal, asked through the agent, has n
// deliveries and every one of them delivered: what the Calls tab shows
// then is final.
func (w *walk) waitDelivered(n int) {
	w.t.Helper()
	var out string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out = w.e.mustRun("", "history", "--json").stdout
		var calls []struct {
			Deliveries []struct{ State string } `json:"deliveries"`
		}
		if err := json.Unmarshal([]byte(out), &calls); err != nil {
			w.t.Fatalf("history --json: %v\n%s", err, out)
		}
		done := 0
		for _, c := range calls {
			for _, d := range c.Deliveries {
				if d.State == string(hooks.StateDelivered) {
					done++
				}
			}
		}
		if done == n {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the journal does not have %d deliveries delivered within 30s:\n%s", n, out)
		}
	}
}

// waitHistoryShown waits until the Calls tab shows its history: text in
// the part of the window below the search bar, which stays empty until
// the history has loaded.
func (w *walk) waitHistoryShown() {
	w.t.Helper()
	w.waitText("the Calls tab's history", image.Rect(0, w.height*2/5, w.width, w.height*7/10))
}

// waitText waits until r of the window holds text: light pixels on the
// dark theme's background.
func (w *walk) waitText(what string, r image.Rectangle) {
	w.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		img, raw := w.capture()
		if brightPixels(img, r) > 300 {
			return
		}
		if time.Now().After(deadline) {
			w.save("failed", raw)
			w.t.Fatalf("no text in %v within 30s: %s", r, what)
		}
	}
}

// exportCSV presses the focused Export CSV, names the file in fyne's save
// dialog (it opens in the home directory with its name field focused) and
// returns the file's records once it is written.
func (w *walk) exportCSV(name, shot string) [][]string {
	w.t.Helper()
	w.keysSettle("space")
	if shot != "" {
		w.shot(shot, nil) // Callhook's own save dialog, in the window's language
	}
	// The name field holds a suggested name: it is typed anew.
	w.keys("ctrl+a")
	w.typeText(name)
	w.keys("Return")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		// The home directory, or the folder used last: somewhere under
		// the home directory.
		var found []string
		filepath.WalkDir(w.home, func(p string, d fs.DirEntry, _ error) error {
			if d != nil && d.Name() == name {
				found = append(found, p)
			}
			return nil
		})
		if len(found) == 1 {
			if b, err := os.ReadFile(found[0]); err == nil && bytes.HasSuffix(b, []byte("\n")) {
				if recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll(); err == nil && len(recs) > 0 {
					return recs
				}
			}
		}
		if time.Now().After(deadline) {
			w.save("failed", w.raw())
			var names []string
			filepath.WalkDir(w.home, func(p string, _ fs.DirEntry, _ error) error { names = append(names, p); return nil })
			w.t.Fatalf("no %s written within 20s; the home directory holds %v", name, names)
		}
	}
}

// csvNumbers returns the remote_number column of an exported history, the
// spreadsheet-safety quote before a "+" taken off.
func csvNumbers(t *testing.T, recs [][]string) []string {
	t.Helper()
	col := slices.Index(recs[0], "remote_number")
	if col < 0 {
		t.Fatalf("exported CSV has no remote_number column: %v", recs[0])
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, strings.TrimPrefix(r[col], "'"))
	}
	return out
}

// scrollToEnd turns the mouse wheel over the scroll bar at the right edge
// of the page (inside the window's padding, where no text field takes the
// wheel) far enough for any page; then the pointer rests in the bottom
// left corner, on the window's padding, where nothing shows a hover and
// the scroll bar, no longer hovered, goes thin again.
func (w *walk) scrollToEnd() {
	w.t.Helper()
	w.xdotool("mousemove", "--window", w.wid, strconv.Itoa(w.width-6), strconv.Itoa(w.height/2))
	w.xdotool("click", "--repeat", "80", "--delay", "2", "5")
	w.xdotool("mousemove", "--window", w.wid, "2", strconv.Itoa(w.height-2))
}

// grab photographs the window.
func (w *walk) grab() *image.RGBA {
	w.t.Helper()
	img, _ := w.capture()
	return img
}

// raw is a capture as PNG, for a look after a failure.
func (w *walk) raw() []byte {
	w.t.Helper()
	_, b := w.capture()
	return b
}

func (w *walk) capture() (*image.RGBA, []byte) {
	w.t.Helper()
	cmd := exec.Command("import", "-window", w.wid, "png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+w.display)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	b, err := cmd.Output()
	if err != nil {
		w.t.Fatalf("import -window %s: %v\n%s", w.wid, err, errb.String())
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		w.t.Fatalf("decode screenshot: %v", err)
	}
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	return img, b
}

// Thresholds for settle, in pixels: a change is more than a blinking
// cursor (a 2×20 rectangle) or a hover; still is less.
const (
	changedPixels = 400
	stillPixels   = 150
)

// settle waits until the window shows something else than before (nil:
// anything) and holds still: two captures in a row that differ by less
// than a blinking cursor. It returns the last capture.
func (w *walk) settle(what string, before *image.RGBA) *image.RGBA {
	w.t.Helper()
	img, _ := w.settleRaw(what, before)
	return img
}

func (w *walk) settleRaw(what string, before *image.RGBA) (*image.RGBA, []byte) {
	w.t.Helper()
	var prev *image.RGBA
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(60 * time.Millisecond) {
		img, raw := w.capture()
		changed := before == nil || diffPixels(before, img, img.Bounds()) > changedPixels
		if changed && prev != nil && diffPixels(prev, img, img.Bounds()) < stillPixels {
			return img, raw
		}
		if time.Now().After(deadline) {
			w.save("failed", raw)
			w.t.Fatalf("%s: the window did not change and settle within 15s", what)
		}
		if changed {
			prev = img
		}
	}
}

// shot photographs the window once it has settled, as
// <name>.<language>.png.
func (w *walk) shot(name string, before *image.RGBA) {
	w.t.Helper()
	_, raw := w.settleRaw(name, before)
	w.save(name, raw)
}

func (w *walk) save(name string, png []byte) {
	path := filepath.Join(w.shots, name+"."+w.lang+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// keepShots copies the photographs to $CALLHOOK_DOCS_OUT, if set; a
// failed run's "failed" shot goes there too, for a look.
func (w *walk) keepShots() {
	out := os.Getenv("CALLHOOK_DOCS_OUT")
	if out == "" {
		return
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		w.t.Error(err)
		return
	}
	files, _ := filepath.Glob(filepath.Join(w.shots, "*.png"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(out, filepath.Base(f)), b, 0o644)
		}
		if err != nil {
			w.t.Error(err)
		}
	}
	w.t.Logf("%d screenshots in %s", len(files), out)
}

// diffPixels counts the pixels of r that differ between a and b.
func diffPixels(a, b *image.RGBA, r image.Rectangle) int {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		ia, ib := a.PixOffset(r.Min.X, y), b.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x, ia, ib = x+1, ia+4, ib+4 {
			if a.Pix[ia] != b.Pix[ib] || a.Pix[ia+1] != b.Pix[ib+1] || a.Pix[ia+2] != b.Pix[ib+2] {
				n++
			}
		}
	}
	return n
}

// brightPixels counts light pixels in r: text, in the dark theme.
func brightPixels(img *image.RGBA, r image.Rectangle) int {
	r = r.Intersect(img.Bounds())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			if int(img.Pix[i])+int(img.Pix[i+1])+int(img.Pix[i+2]) > 3*150 {
				n++
			}
		}
	}
	return n
}

func repeat(key string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = key
	}
	return out
}

// piece returns the first of pieces that b contains, or "".
func piece(b []byte, pieces []string) string {
	for _, p := range pieces {
		if bytes.Contains(b, []byte(p)) {
			return p
		}
	}
	return ""
}

// scanForPieces fails the test for any file under dir holding a piece of
// the secret: the config, the journal and its WAL, anything written there.
func scanForPieces(t *testing.T, dir string, pieces []string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil {
			if p := piece(b, pieces); p != "" {
				t.Errorf("%s holds %q", path, p)
			}
		}
		return nil
	})
}

// fileGuard reads every file written in a directory while it watches, by
// inotify: a temp file as soon as it is created (the fd kept open reads it
// after the rename too) and once it is closed, and whatever is renamed
// into place. It catches a version of the config file that lives for a
// millisecond, which no poll would.
type fileGuard struct {
	t      *testing.T
	f      *os.File
	dir    string
	pieces []string
	done   chan struct{}
	mu     sync.Mutex
	read   int
	bad    []string
}

func guardFiles(t *testing.T, dir string, pieces []string) *fileGuard {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatalf("inotify: %v", err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO); err != nil {
		unix.Close(fd)
		t.Fatalf("inotify watch %s: %v", dir, err)
	}
	g := &fileGuard{t: t, f: os.NewFile(uintptr(fd), "inotify"), dir: dir, pieces: pieces, done: make(chan struct{})}
	go g.run()
	t.Cleanup(g.stop)
	return g
}

func (g *fileGuard) run() {
	defer close(g.done)
	open := map[string]*os.File{}
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := g.f.Read(buf)
		if err != nil {
			return // closed by stop
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			nameBytes := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			off += unix.SizeofInotifyEvent + int(ev.Len)
			name := string(bytes.TrimRight(nameBytes, "\x00"))
			path := filepath.Join(g.dir, name)
			switch {
			case ev.Mask&unix.IN_ISDIR != 0:
			case ev.Mask&unix.IN_CREATE != 0:
				if f, err := os.Open(path); err == nil {
					open[name] = f
				}
			case ev.Mask&unix.IN_CLOSE_WRITE != 0:
				if f := open[name]; f != nil {
					delete(open, name)
					b, _ := io.ReadAll(io.NewSectionReader(f, 0, 1<<30))
					f.Close()
					g.check(name, b)
				} else if b, err := os.ReadFile(path); err == nil {
					g.check(name, b)
				}
			case ev.Mask&unix.IN_MOVED_TO != 0:
				if b, err := os.ReadFile(path); err == nil {
					g.check(name, b)
				}
			}
		}
	}
}

func (g *fileGuard) check(name string, b []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.read++
	if p := piece(b, g.pieces); p != "" {
		g.bad = append(g.bad, fmt.Sprintf("%s held %q:\n%s", name, p, b))
	}
}

func (g *fileGuard) versions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.read
}

// stop ends the watch and reports every file seen holding a piece.
func (g *fileGuard) stop() {
	select {
	case <-g.done:
		return
	default:
	}
	g.f.Close()
	<-g.done
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, b := range g.bad {
		g.t.Errorf("a file written next to the config: %s", b)
	}
}

// removeXFiles removes the socket and lock a killed Xvfb left for display
// (":N"), once the server that held them is gone.
func removeXFiles(display string) {
	n, ok := strings.CutPrefix(display, ":")
	if !ok {
		return
	}
	lock := "/tmp/.X" + n + "-lock"
	if b, err := os.ReadFile(lock); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && syscall.Kill(pid, 0) == nil {
			return // still running
		}
	}
	os.Remove("/tmp/.X11-unix/X" + n)
	os.Remove(lock)
}
