package api

import (
	"context"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pledger/pledger/events"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics, in a registry of their own.
type Metrics struct {
	Registry       *prometheus.Registry
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	AppendLatency  prometheus.Histogram
	EventsAppended prometheus.Counter
	relayLag       *prometheus.GaugeVec
}

// NewMetrics creates the metrics and registers them.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pledger_http_requests_total", Help: "HTTP requests by route and status."},
			[]string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pledger_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"method", "route"}),
		AppendLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pledger_append_duration_seconds", Help: "Latency of appends to the log.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14)}),
		EventsAppended: prometheus.NewCounter(prometheus.CounterOpts{Name: "pledger_events_appended_total", Help: "Events appended to the log."}),
		relayLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pledger_relay_lag_events", Help: "Events committed but not yet published, by relay (on KurrentDB: the distance in log positions, 0 when caught up)."},
			[]string{"publisher"}),
	}
	m.Registry.MustRegister(m.requests, m.latency, m.AppendLatency, m.EventsAppended, m.relayLag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// RelayLag returns the relay.Options Lag callback for the relay to publisher
// ("embedded" for the in-process channel, "nats" for JetStream).
func (m *Metrics) RelayLag(publisher string) func(lag uint64) {
	g := m.relayLag.WithLabelValues(publisher)
	return func(lag uint64) { g.Set(float64(lag)) }
}

func (m *Metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		// Answer an error here, through the server's error handler, so the
		// status counted is the one sent, whatever the error's type.
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(c.Response().Status)).Inc()
		m.latency.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return nil
	}
}

func (m *Metrics) handler() echo.HandlerFunc {
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	return echo.WrapHandler(h)
}

// MeteredStore is a Store whose appends are timed and counted in m.
type MeteredStore struct {
	Store
	m *Metrics
}

// Store wraps s so its appends show on /metrics.
func (m *Metrics) Store(s Store) *MeteredStore { return &MeteredStore{Store: s, m: m} }

// LogShape is the shape of the measured store's log.
func (s *MeteredStore) LogShape() events.LogShape { return events.ShapeOf(s.Store) }

// Append implements events.Store.
func (s *MeteredStore) Append(ctx context.Context, stream string, expected events.ExpectedVersion, evs ...events.Proposed) (events.AppendResult, error) {
	start := time.Now()
	res, err := s.Store.Append(ctx, stream, expected, evs...)
	s.m.AppendLatency.Observe(time.Since(start).Seconds())
	if err == nil && len(res.Events) > 0 && res.Events[0].Version > 0 {
		s.m.EventsAppended.Add(float64(len(res.Events)))
	}
	return res, err
}

// Ready passes the store's readiness check through, or reads the end of the
// log where the store has none.
func (s *MeteredStore) Ready(ctx context.Context) error { return events.Ready(ctx, s.Store) }

// LastPosition passes the store's cheap end of the log through, or reads
// the heads where the store has none.
func (s *MeteredStore) LastPosition(ctx context.Context) (uint64, error) {
	return events.LastPosition(ctx, s.Store)
}

// CommittedPosition passes the store's answer through, so callers keep
// their shortcut (see sqlite.Store.CommittedPosition).
func (s *MeteredStore) CommittedPosition() (uint64, bool) {
	if c, ok := s.Store.(interface{ CommittedPosition() (uint64, bool) }); ok {
		return c.CommittedPosition()
	}
	return 0, false
}
