package main

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb"
	"github.com/spf13/cobra"
)

type verifyResult struct {
	OK        bool            `json:"ok"`
	Source    string          `json:"source"`
	KeyID     string          `json:"key_id,omitempty"`
	KeySource string          `json:"key_source,omitempty"`
	Summary   *events.Summary `json:"summary,omitempty"`
	Problem   *events.Problem `json:"problem,omitempty"`
	Line      int             `json:"line,omitempty"`
}

// trust is how a check is anchored: the public key seals must be signed
// with, where it came from, and seals recorded outside the ledger.
type trust struct {
	key     *publicKey
	anchors []events.Anchor
}

func (t trust) options(seals []events.Event, shape events.LogShape) events.VerifyOptions {
	opts := events.VerifyOptions{Seals: seals, Anchors: t.anchors, LogShape: shape}
	if t.key != nil {
		opts.Key = t.key.key
	}
	return opts
}

func (t trust) describe(res *verifyResult) {
	if t.key != nil {
		res.KeyID, res.KeySource = events.KeyID(t.key.key), t.key.source
	}
}

// addTrustFlags adds --pubkey and --anchor; besideLedger says whether the
// key beside the ledger is the default.
func (a *app) addTrustFlags(cmd *cobra.Command, besideLedger bool) func() (trust, error) {
	var pubkey string
	var anchors []string
	help := "public key file (PEM) that seals must be signed with"
	if besideLedger {
		help += " (default: PATH.pub beside the ledger; for an audit, pass a trusted copy)"
	}
	cmd.Flags().StringVar(&pubkey, "pubkey", "", help)
	cmd.Flags().StringArrayVar(&anchors, "anchor", nil, "POSITION:ROOT of a seal recorded outside the ledger, which must still be in it (repeatable)")
	return func() (trust, error) {
		var t trust
		var err error
		if t.key, err = loadPublicKey(pubkey, a.db, besideLedger); err != nil {
			return t, err
		}
		for _, s := range anchors {
			anchor, err := events.ParseAnchor(s)
			if err != nil {
				return t, badInputf("--anchor: %w", err)
			}
			t.anchors = append(t.anchors, anchor)
		}
		return t, nil
	}
}

func (a *app) verifyCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every stream's hash chain, version continuity and every seal",
		Long: "Verify the ledger (or, with --file, an exported JSON Lines file, offline). Exit 0 when intact;\n" +
			"exit 1 naming the first bad event when anything was changed, deleted, reordered or forged.\n" +
			"Seal signatures are checked with --pubkey (for --file, only with --pubkey). Each --anchor\n" +
			"POSITION:ROOT, as printed by pledger seal and kept outside the ledger, must still be sealed in it.\n" +
			"On a live ledger, verify checks the log up to where it stood when verify started.",
	}
	loadTrust := a.addTrustFlags(cmd, true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		res := verifyResult{Source: a.location()}
		if file != "" {
			res.Source = file
		}
		t, err := loadTrustFor(loadTrust, file != "")
		if err != nil {
			return err
		}
		t.describe(&res)
		if file != "" {
			err = a.verifyFile(file, t, &res)
		} else {
			err = a.verifyLedger(cmd.Context(), t, &res)
		}
		if err != nil && !errors.As(err, &res.Problem) {
			return err
		}
		res.OK = res.Problem == nil
		return a.reportVerify(res)
	}
	cmd.Flags().StringVar(&file, "file", "", "verify this exported JSON Lines file instead of the ledger")
	a.addJSONFlag(cmd)
	return cmd
}

// loadTrustFor loads the trust flags; a file is never checked against the
// key that happens to sit beside some ledger in the working directory.
func loadTrustFor(load func() (trust, error), file bool) (trust, error) {
	t, err := load()
	if file && t.key != nil && t.key.besideLedger {
		t.key = nil
	}
	return t, err
}

func (a *app) verifyLedger(ctx context.Context, t trust, res *verifyResult) error {
	store, err := a.openRead(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// Fix the end first: seals and events committed after it are for the
	// next run, so a writer appending (or sealing) meanwhile is no problem.
	end, err := store.LastPosition(ctx)
	if err != nil {
		return err
	}
	var seals []events.Event
	for ev, err := range store.ReadStream(ctx, events.SealsStream, events.ReadOptions{}) {
		if err != nil {
			return err
		}
		if ev.Position <= end {
			seals = append(seals, ev)
		}
	}
	res.Summary, err = a.verifyLog(upTo(store.ReadAll(ctx, 0), end), t.options(seals, events.ShapeOf(store)), eventsUpTo(store, end))
	return err
}

// exportShape is the shape of an exported file's log: a KurrentDB
// ledger's when --store esdb says the file came from one.
func (a *app) exportShape() events.LogShape {
	if a.store == storeESDB {
		return esdb.Shape
	}
	return events.LogShape{}
}

// upTo ends a log after position end.
func upTo(log iter.Seq2[events.Event, error], end uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		for ev, err := range log {
			if err == nil && ev.Position > end {
				return
			}
			if !yield(ev, err) {
				return
			}
		}
	}
}

func (a *app) verifyFile(path string, t trust, res *verifyResult) error {
	f, err := scanExport(path)
	if err != nil {
		return err
	}
	res.Summary, err = a.verifyLog(f.events(), t.options(f.seals, a.exportShape()), len(f.positions))
	if res.Problem = nil; errors.As(err, &res.Problem) {
		res.Line = f.lineOf(res.Problem)
	}
	return err
}

func (a *app) verifyLog(log iter.Seq2[events.Event, error], opts events.VerifyOptions, total int) (*events.Summary, error) {
	v, err := events.NewVerifier(opts)
	if err != nil {
		return nil, err
	}
	bar := a.newProgress("verifying", total)
	defer bar.Done()
	for ev, err := range log {
		if err != nil {
			return nil, err
		}
		if err := v.Check(ev); err != nil {
			return nil, err
		}
		bar.Step()
	}
	summary, err := v.Finish()
	if err != nil {
		return nil, err
	}
	return &summary, nil
}

func (a *app) reportVerify(res verifyResult) error {
	if a.jsonOut {
		if err := a.printJSON(res); err != nil {
			return err
		}
	} else if res.OK {
		s := res.Summary
		fmt.Fprintf(a.stdout, "intact: %s holds %s in %s up to position %d, %s\n", res.Source,
			plural(s.Events, "event"), plural(s.Streams, "stream"), s.LastPosition, plural(s.Seals, "seal"))
		switch {
		case s.Seals > 0 && s.SignaturesChecked:
			fmt.Fprintf(a.stdout, "seal signatures checked with key %s from %s\n", res.KeyID, res.KeySource)
		case s.Seals > 0:
			fmt.Fprintln(a.stdout, "seal signatures NOT checked: no public key (pass --pubkey FILE)")
		}
		if s.LastSeal != nil {
			fmt.Fprintf(a.stdout, "newest seal: anchor %s (record it outside the ledger; check it later with --anchor)\n", s.LastSeal)
		}
		if s.Anchors > 0 {
			fmt.Fprintf(a.stdout, "%s found\n", plural(s.Anchors, "anchor"))
		}
	} else {
		p := res.Problem
		where := ""
		if res.Line > 0 {
			where = fmt.Sprintf(" (line %d)", res.Line)
		}
		fmt.Fprintf(a.stdout, "TAMPERED: %s%s\nfirst bad event: stream %s, version %d, position %d, id %s\nwhat is wrong:   %s\n",
			res.Source, where, p.Stream, p.Version, p.Position, p.EventID, p.What)
	}
	if !res.OK {
		return errCheckFailed
	}
	return nil
}

// plural formats a count with its noun: "1 seal", "3 seals".
func plural[N int | uint64](n N, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
