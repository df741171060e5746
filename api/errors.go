package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
)

// Problem is an RFC 9457 problem detail. Rule and Field name what was
// wrong, for programs; Detail says it for people.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Field  string `json:"field,omitempty"`
}

const problemType = "https://pledger.example/problems/"

// problem builds a Problem from a status and a rule.
func problem(status int, rule, field, detail string) *Problem {
	return &Problem{Type: problemType + rule, Title: http.StatusText(status), Status: status, Rule: rule, Field: field, Detail: detail}
}

func (p *Problem) Error() string { return p.Detail }

// errNotFound hides what a caller may not see: the same answer as for
// something that does not exist.
var errNotFound = problem(http.StatusNotFound, "not_found", "", "no such resource")

// toProblem is the one mapping from errors to HTTP: domain refusals are 4xx
// naming the rule; anything else is logged and answered as a 500 without
// its details.
func toProblem(err error, log *slog.Logger) *Problem {
	var p *Problem
	var ae *aggregates.Error
	var fe *events.FieldError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &ae):
		status := map[error]int{aggregates.ErrInvalid: http.StatusUnprocessableEntity, aggregates.ErrRuleViolated: http.StatusUnprocessableEntity,
			aggregates.ErrNotFound: http.StatusNotFound, aggregates.ErrConflict: http.StatusConflict}[ae.Kind]
		if ae.Rule == "version.stale" {
			status = http.StatusPreconditionFailed
		}
		return problem(status, ae.Rule, ae.Field, ae.Error())
	case errors.As(err, &fe):
		return problem(http.StatusUnprocessableEntity, "event."+fe.Field, fe.Field, fe.Error())
	case errors.Is(err, projections.ErrNoProject):
		return errNotFound
	case errors.Is(err, projections.ErrNoSuchItem), errors.Is(err, projections.ErrNoSuchEvent):
		return problem(http.StatusNotFound, "item.not_found", "", err.Error())
	case errors.As(err, &he):
		return problem(he.Code, "http", "", fmt.Sprint(he.Message))
	case errors.Is(err, events.ErrUnavailable):
		log.Warn("store unavailable", "err", err)
		return problem(http.StatusServiceUnavailable, "store.unavailable", "", "the ledger's store cannot be reached just now (a failover?); retry shortly")
	}
	log.Error("internal error", "err", err)
	return problem(http.StatusInternalServerError, "internal", "", "the server failed; the error is logged")
}

// errorHandler writes every error as application/problem+json.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := toProblem(err, s.log)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if err := writeJSON(c.Response(), p); err != nil {
		s.log.Error("write problem", "err", err)
	}
}

// isServerError reports whether err is a failure of the server rather than
// an answer about the request (nil is neither).
func isServerError(err error) bool {
	return err != nil && toProblem(err, slog.New(slog.DiscardHandler)).Status >= 500
}
