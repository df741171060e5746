package esdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pledger/pledger/events"
)

var (
	// ErrUnavailable wraps failures worth retrying: no leader, a node
	// restarting, a dropped connection, a deadline. It is also
	// events.ErrUnavailable, which the API answers with 503.
	ErrUnavailable error = unavailableError{}
	// ErrDenied wraps refusals no retry will change: bad credentials or a
	// missing ACL.
	ErrDenied = errors.New("esdb: access denied")
	// ErrStreamDeleted means a ledger stream was deleted or tombstoned in
	// KurrentDB, which pledger never does: the ledger has been tampered with.
	ErrStreamDeleted = errors.New("esdb: stream deleted")
)

type unavailableError struct{}

func (unavailableError) Error() string        { return "esdb: server unavailable" }
func (unavailableError) Is(target error) bool { return target == events.ErrUnavailable }

// translate turns a client error into one of ours, keeping the original in
// the chain. Cancellation by the caller comes back as ctx's own error, so
// errors.Is(err, context.Canceled) works the same on every store.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var kind error
	var esErr *esdb.Error
	if errors.As(err, &esErr) {
		kind = kindOf(esErr.Code())
	}
	if st, ok := status.FromError(err); kind == nil && ok {
		// A subscription that drops hands over the raw gRPC status, and the
		// client wraps what it cannot classify with the status inside.
		kind = kindOfStatus(st.Code())
	}
	if kind != nil {
		return fmt.Errorf("%w: %s: %w", kind, op, err)
	}
	return fmt.Errorf("esdb: %s: %w", op, err)
}

// kindOfStatus is the error of ours a gRPC status code belongs to, or nil.
func kindOfStatus(code codes.Code) error {
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.ResourceExhausted,
		codes.Canceled: // by the connection (a replaced client), not by the caller: translate checks ctx first
		return ErrUnavailable
	case codes.Unauthenticated, codes.PermissionDenied:
		return ErrDenied
	}
	return nil
}

// kindOf is the error of ours a client error code belongs to, or nil.
func kindOf(code esdb.ErrorCode) error {
	switch code {
	case esdb.ErrorCodeNotLeader, esdb.ErrorUnavailable, esdb.ErrorCodeConnectionClosed,
		esdb.ErrorCodeDeadlineExceeded, esdb.ErrorAborted:
		return ErrUnavailable
	case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied:
		return ErrDenied
	case esdb.ErrorCodeStreamDeleted:
		return ErrStreamDeleted
	}
	return nil
}

// isCode reports whether err is a client error with this code.
func isCode(err error, code esdb.ErrorCode) bool {
	var esErr *esdb.Error
	return errors.As(err, &esErr) && esErr.Code() == code
}

// retryable reports whether a subscription that dropped with err should be
// opened again: anything but a refusal, a deleted stream or a record that is
// not ours, which no retry will change.
func retryable(err error) bool {
	var bad *MetadataError
	return !errors.Is(err, ErrDenied) && !errors.Is(err, ErrStreamDeleted) && !errors.Is(err, events.ErrClosed) && !errors.As(err, &bad)
}
