package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) initCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a ledger and its signing key",
		Long:  "Create the ledger file (if missing) and an Ed25519 key pair beside it: PATH.key (private,\nmode 0600) signs seals; PATH.pub lets anyone verify them. With --store esdb the ledger is in\nKurrentDB and needs no creating; the keys go beside --db all the same.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			keyID, err := a.initLedger(cmd.Context())
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]string{"db": a.db, "ledger": a.location(), "private_key": privateKeyPath(a.db), "public_key": publicKeyPath(a.db), "key_id": keyID})
			}
			fmt.Fprintf(a.stdout, "ledger      %s\nprivate key %s (keep it secret)\npublic key  %s (key id %s)\n", a.location(), privateKeyPath(a.db), publicKeyPath(a.db), keyID)
			return nil
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}

func (a *app) keyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Print the ledger's public key (PEM), for verifying it elsewhere",
		RunE: func(*cobra.Command, []string) error {
			pemBytes, err := os.ReadFile(publicKeyPath(a.db))
			if err != nil {
				return badInputf("no public key beside %s (%v): create one with pledger init", a.db, err)
			}
			key, err := events.ParsePublicKey(pemBytes)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]string{"key_id": events.KeyID(key), "public_key": string(pemBytes)})
			}
			_, err = a.stdout.Write(pemBytes)
			return err
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}

func (a *app) sealCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "seal",
		Short: "Sign a Merkle root over every stream head and append it to the seals stream",
		Long: "Seal the ledger: sign (Ed25519) the Merkle root over every stream's last event at the current\n" +
			"position. Later, verify detects any deletion or truncation before the seal. Publish the printed\n" +
			"root somewhere outside the ledger to make even the newest seal's removal detectable.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := loadPrivateKey(a.db)
			if err != nil {
				return err
			}
			store, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			ev, err := events.SealLedger(cmd.Context(), store, key, a.actor)
			if err != nil {
				return err
			}
			var seal events.Sealed
			if err := json.Unmarshal(ev.Data, &seal); err != nil {
				return err
			}
			anchor := events.Anchor{Position: seal.Position, Root: seal.Root}
			if a.jsonOut {
				return a.printJSON(map[string]any{"seal_position": ev.Position, "position": seal.Position, "streams": seal.Streams,
					"root": seal.Root, "key_id": seal.KeyID, "anchor": anchor.String()})
			}
			fmt.Fprintf(a.stdout, "sealed %s at position %d\nroot   %s\nkey id %s\nseal   position %d in stream %s\nanchor %s\n",
				plural(seal.Streams, "stream"), seal.Position, seal.Root, seal.KeyID, ev.Position, ev.Stream, anchor)
			fmt.Fprintln(a.stderr, "record the anchor outside the ledger (minutes, ticket, e-mail); check it with: pledger verify --anchor", anchor)
			return nil
		},
	}
	a.addJSONFlag(cmd)
	a.addActorFlag(cmd)
	return cmd
}
