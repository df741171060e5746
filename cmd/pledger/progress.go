package main

import (
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/pledger/pledger/events"
)

// progress shows how far long work is on a terminal and is silent in a pipe.
type progress struct {
	bar  *progressbar.ProgressBar
	done int
}

func (a *app) newProgress(description string, total int) *progress {
	if !isTerminal(a.stderr) || total <= 0 {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// eventsUpTo is how many events a log ending at position end holds, for a
// progress bar: end itself where positions are dense, unknown (no bar)
// where they are not.
func eventsUpTo(store events.Store, end uint64) int {
	if events.ShapeOf(store).PositionGaps {
		return 0
	}
	return int(end)
}

// Set records that done of total are finished.
func (p *progress) Set(done int) {
	if p.bar != nil {
		p.bar.Set(done)
	}
}

// Step records one more item done, redrawing every thousand.
func (p *progress) Step() {
	if p.done++; p.done%1000 == 0 {
		p.Set(p.done)
	}
}

// Done clears the bar.
func (p *progress) Done() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// stages shows one progress bar per stage of work that reports itself as
// (stage, done, total).
type stages struct {
	a     *app
	stage string
	bar   *progress
}

func (a *app) newStages() *stages { return &stages{a: a} }

func (st *stages) report(stage string, done, total int) {
	if stage != st.stage {
		st.done()
		st.stage, st.bar = stage, st.a.newProgress(stage, total)
	}
	st.bar.Set(done)
}

func (st *stages) done() {
	if st.bar != nil {
		st.bar.Done()
		st.bar = nil
	}
}
