package main

import (
	"time"

	"github.com/schollz/progressbar/v3"
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
