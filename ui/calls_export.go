package ui

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvHeader names the export's columns. They, and the values of
// direction, outcome, trigger and state, are the wire names in English
// whatever the GUI's language: the file is read by spreadsheets and
// scripts.
var csvHeader = []string{"call_id", "start", "direction", "queue", "remote_number", "remote_name",
	"outcome", "duration_s", "hook_id", "trigger", "state", "http_status", "attempts", "error"}

// export writes the calls the search and filter show to a CSV file the
// user chooses.
func (c *callsTab) export() {
	rows := c.shown
	name := "callhook-history-" + time.Now().Format("2006-01-02") + ".csv"
	c.chooseFile(name, func(w io.WriteCloser, where string) {
		c.u.spawn(func() {
			err := writeHistoryCSV(w, rows)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			c.u.do(func() {
				if err != nil {
					c.status.SetText(c.u.l.Tf("Could not export the history: %v", err))
					return
				}
				c.status.SetText(c.u.l.Tf("History exported to %s.", where))
			})
		})
	})
}

// writeHistoryCSV writes one line per delivery, and one for a call no
// hook fired for.
func writeHistoryCSV(w io.Writer, rows []CallRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for _, r := range rows {
		cl := r.Call
		remote := cl.Remote()
		head := []string{cl.ID, cl.Start.Local().Format(time.RFC3339), string(cl.Direction), cl.Queue,
			remote.Number, remote.Name, string(cl.Outcome), strconv.Itoa(int(cl.Duration(cl.End).Seconds()))}
		if len(r.Deliveries) == 0 {
			if err := cw.Write(csvRecord(append(head, "", "", "", "", "", ""))); err != nil {
				return fmt.Errorf("write csv line: %w", err)
			}
		}
		for _, d := range r.Deliveries {
			status := ""
			if d.StatusCode != 0 {
				status = strconv.Itoa(d.StatusCode)
			}
			rec := append(append([]string(nil), head...), d.HookID, string(d.Trigger), string(d.State),
				status, strconv.Itoa(d.Attempts), d.Err)
			if err := cw.Write(csvRecord(rec)); err != nil {
				return fmt.Errorf("write csv line: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func csvRecord(rec []string) []string {
	for i, s := range rec {
		rec[i] = csvCell(s)
	}
	return rec
}

// csvCell makes one value safe in a spreadsheet. Names, numbers and
// errors come from the network: a cell that starts like a formula gets a
// leading apostrophe, so a spreadsheet shows it as text instead of running
// it (CSV injection); invalid UTF-8 and bidi controls, which could make a
// number read as another, are dropped.
func csvCell(s string) string {
	s = strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
