package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"

	"github.com/pledger/pledger/events"
)

// maxLine bounds one export line: 1 MiB of data, escaped, plus the envelope.
const maxLine = 8 << 20

// exportFile is a JSON Lines export read twice: once to find its seals (the
// Verifier needs them before the pass), once to stream its events.
type exportFile struct {
	path      string
	seals     []events.Event
	positions []uint64 // positions[i] is the position on line i+1
	yielded   int      // lines yielded by the current pass of events
}

// scanExport reads the whole file once, checking every line's shape. A
// malformed line is bad input naming the line.
func scanExport(path string) (*exportFile, error) {
	if info, err := os.Stat(path); err != nil {
		return nil, badInput{err}
	} else if !info.Mode().IsRegular() {
		return nil, badInputf("%s is not a regular file: save the export to a file first (it is read twice, once for its seals)", path)
	}
	f := &exportFile{path: path}
	for ev, err := range f.events() {
		if err != nil {
			return nil, err
		}
		if ev.Stream == events.SealsStream {
			f.seals = append(f.seals, ev)
		}
		f.positions = append(f.positions, ev.Position)
	}
	return f, nil
}

// events yields the file's events in order.
func (f *exportFile) events() iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		file, err := os.Open(f.path)
		if err != nil {
			yield(events.Event{}, badInput{err})
			return
		}
		defer file.Close()
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		f.yielded = 0
		for n := 1; sc.Scan(); n++ {
			ev, err := events.ParseLine(sc.Bytes())
			if err != nil {
				yield(events.Event{}, badInputf("%s line %d: %w", f.path, n, err))
				return
			}
			f.yielded = n
			if !yield(ev, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("a line is longer than %d bytes", maxLine)
			}
			yield(events.Event{}, badInputf("%s: %w", f.path, err))
		}
	}
}

// lineOf returns the line of the event a verifying pass of events stopped
// at, or 0. The verifier checks lines in order and stops at the first
// problem, so the problem is the line just yielded, or (found at the end of
// the pass) an earlier one; the earlier lines all passed, so their positions
// rise strictly and can be searched. A reordered or duplicated line has a
// position found elsewhere in the file too: only the pass knows which line.
func (f *exportFile) lineOf(p *events.Problem) int {
	if f.yielded == 0 {
		return 0
	}
	if f.positions[f.yielded-1] == p.Position {
		return f.yielded
	}
	i, found := slices.BinarySearch(f.positions[:f.yielded], p.Position)
	if !found {
		return 0
	}
	return i + 1
}

// exportLog writes every event of log as JSON Lines.
func exportLog(w io.Writer, log iter.Seq2[events.Event, error], each func(events.Event)) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var buf []byte
	for ev, err := range log {
		if err != nil {
			return err
		}
		buf = events.AppendLine(buf[:0], ev)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		each(ev)
	}
	return bw.Flush()
}
