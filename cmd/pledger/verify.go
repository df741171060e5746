package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"iter"

	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

type verifyResult struct {
	OK      bool            `json:"ok"`
	Source  string          `json:"source"`
	KeyID   string          `json:"key_id,omitempty"`
	Summary *events.Summary `json:"summary,omitempty"`
	Problem *events.Problem `json:"problem,omitempty"`
	Line    int             `json:"line,omitempty"`
}

func (a *app) verifyCommand() *cobra.Command {
	var pubkey, file string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every stream's hash chain, version continuity and every seal",
		Long: "Verify the ledger (or, with --file, an exported JSON Lines file, offline). Exit 0 when intact;\n" +
			"exit 1 naming the first bad event when anything was changed, deleted, reordered or forged.\n" +
			"Seal signatures are checked with --pubkey, or the public key beside the ledger.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := loadPublicKey(pubkey, a.db)
			if err != nil {
				return err
			}
			res := verifyResult{Source: a.db}
			if key != nil {
				res.KeyID = events.KeyID(key)
			}
			if file != "" {
				res.Source = file
				err = a.verifyFile(file, key, &res)
			} else {
				err = a.verifyLedger(cmd.Context(), key, &res)
			}
			if err != nil && !errors.As(err, &res.Problem) {
				return err
			}
			res.OK = res.Problem == nil
			return a.reportVerify(res)
		},
	}
	cmd.Flags().StringVar(&pubkey, "pubkey", "", "public key file (PEM) to check seal signatures with (default: PATH.pub beside the ledger)")
	cmd.Flags().StringVar(&file, "file", "", "verify this exported JSON Lines file instead of the ledger")
	a.addJSONFlag(cmd)
	return cmd
}

func (a *app) verifyLedger(ctx context.Context, key ed25519.PublicKey, res *verifyResult) error {
	store, err := openRead(ctx, a.db)
	if err != nil {
		return err
	}
	defer store.Close()
	var seals []events.Event
	for ev, err := range store.ReadStream(ctx, events.SealsStream, events.ReadOptions{}) {
		if err != nil {
			return err
		}
		seals = append(seals, ev)
	}
	total, err := store.LastPosition(ctx)
	if err != nil {
		return err
	}
	summary, err := a.verifyLog(store.ReadAll(ctx, 0), events.VerifyOptions{Key: key, Seals: seals}, int(total))
	res.Summary = summary
	return err
}

func (a *app) verifyFile(path string, key ed25519.PublicKey, res *verifyResult) error {
	f, err := scanExport(path)
	if err != nil {
		return err
	}
	summary, err := a.verifyLog(f.events(), events.VerifyOptions{Key: key, Seals: f.seals}, len(f.positions))
	res.Summary = summary
	if res.Problem = nil; errors.As(err, &res.Problem) {
		res.Line = f.lineOf(res.Problem.Position)
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
	n := 0
	for ev, err := range log {
		if err != nil {
			return nil, err
		}
		if err := v.Check(ev); err != nil {
			return nil, err
		}
		if n++; n%1000 == 0 {
			bar.Set(n)
		}
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
		fmt.Fprintf(a.stdout, "intact: %s holds %d events in %d streams up to position %d, %d seals\n", res.Source, s.Events, s.Streams, s.LastPosition, s.Seals)
		if s.SignaturesChecked {
			fmt.Fprintf(a.stdout, "seal signatures checked with key %s\n", res.KeyID)
		} else if s.Seals > 0 {
			fmt.Fprintln(a.stdout, "seal signatures NOT checked: no public key (pass --pubkey FILE)")
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
