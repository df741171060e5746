// Package api is pledger's HTTP interface (echo): every command as a POST,
// every view as a GET answerable as of any moment, problem+json errors,
// bearer tokens with roles per project and vendor scoping, idempotent
// retries, optimistic concurrency through ETag/If-Match, a live event feed
// over server-sent events, an OpenAPI document of every route, health and
// Prometheus metrics.
//
// Routes are one table (Routes): the router, the access checks, the OpenAPI
// document and the authorization tests are all generated from it, so a
// route cannot exist without its rules, its documentation or its tests.
package api
