package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// OpenAPIVersion is the version of the OpenAPI specification the document
// follows.
const OpenAPIVersion = "3.1.0"

// openapiRoutes serves the API's own description.
func (s *Server) openapiRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/openapi.json", Summary: "This API's OpenAPI 3.1 description", Public: true, Response: map[string]any{}, Status: http.StatusOK,
			handle: func(cl *call) error { return cl.JSON(http.StatusOK, s.OpenAPI()) }},
	}
}

// OpenAPI returns the OpenAPI 3.1 document of every route the server
// serves, generated from the route table: a route added to the table is
// described without anyone remembering to. The result is fresh on every
// call; callers may change it.
func (s *Server) OpenAPI() map[string]any {
	g := &schemaGen{schemas: map[string]any{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
	g.schema(reflect.TypeFor[Problem]()) // first, so it is the "Problem" (events has one too)
	paths := map[string]any{}
	for _, r := range s.routes {
		p, _ := OpenAPIPath(r.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(r.Method)] = g.operation(r)
	}
	return map[string]any{
		"openapi": OpenAPIVersion,
		"info": map[string]any{
			"title":   "pledger",
			"version": "1",
			"description": "An event-sourced project ledger with an audit trail. Every read accepts as_of (what the ledger knew: " +
				"an RFC 3339 time, a date or pos:N) and effective (the state of the world at a business time). Writes accept " +
				"Idempotency-Key (a retry appends nothing new), If-Match (the ETag, i.e. the stream version, the client saw) and " +
				"X-Reason. Errors are RFC 9457 problem details naming the rule and the field.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer",
					"description": "A pledger API token (plg_...). Roles per project: admin, pm, coordinator, contributor, auditor, vendor."},
			},
		},
	}
}

// echoParam matches an echo path parameter or wildcard.
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)|\*`)

// OpenAPIPath turns an echo path (/v1/projects/:id) into an OpenAPI path
// (/v1/projects/{id}) and returns the names of its parameters in order. A
// wildcard (*) becomes {path}.
func OpenAPIPath(echoPath string) (string, []string) {
	var names []string
	out := echoParam.ReplaceAllStringFunc(echoPath, func(m string) string {
		name := strings.TrimPrefix(m, ":")
		if m == "*" {
			name = "path"
		}
		names = append(names, name)
		return "{" + name + "}"
	})
	return out, names
}

// queryParams describes the query parameters the views take besides as_of
// and effective. A route takes one when its summary shows it (?days=N) or
// queryByPath lists it. It is a function so every document gets its own
// maps.
func queryParams() map[string]map[string]any {
	return map[string]map[string]any{
		"days":     {"description": "How many days ahead count as due soon", "schema": map[string]any{"type": "integer", "minimum": 0, "default": 7}},
		"from":     {"description": "The start: an RFC 3339 time, a date (YYYY-MM-DD) or pos:N", "schema": map[string]any{"type": "string"}},
		"to":       {"description": "The end: an RFC 3339 time, a date (YYYY-MM-DD) or pos:N; empty means now", "schema": map[string]any{"type": "string"}},
		"vendor":   {"description": "A vendor id", "schema": map[string]any{"type": "string", "format": "uuid"}},
		"contract": {"description": "A contract id (C-N)", "schema": map[string]any{"type": "string"}},
		"status":   {"description": "Only items with this status", "schema": map[string]any{"type": "string"}},
		"owner":    {"description": "Only items with this owner", "schema": map[string]any{"type": "string"}},
		"severity": {"description": "Only items of this severity", "schema": map[string]any{"type": "string"}},
		"format":   {"description": "The rendering", "schema": map[string]any{"type": "string", "enum": []string{"json", "md", "html"}}},
		"after":    {"description": "Start after this point of the log: a version, or pos:N (a global position)", "schema": map[string]any{"type": "string"}},
		"limit":    {"description": "At most this many items", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
	}
}

// queryByPath lists query parameters a route takes that its summary does
// not show.
var queryByPath = map[string][]string{
	"GET /v1/projects/:id/raid":          {"status", "owner", "severity"},
	"GET /v1/projects/:id/events":        {"after", "limit"},
	"GET /v1/projects/:id/events/stream": {"after"},
}

// summaryQuery finds "?name=" and "&name=" in a summary.
var summaryQuery = regexp.MustCompile(`[?&]([a-z_]+)=`)

// operation describes one route.
func (g *schemaGen) operation(r Route) map[string]any {
	op := map[string]any{
		"operationId": operationID(r),
		"summary":     r.Summary,
		"tags":        []string{tag(r.Path)},
	}
	switch {
	case r.Public:
		op["security"] = []any{}
		op["description"] = "Public: no token needed."
	default:
		op["security"] = []any{map[string]any{"bearer": []string{}}}
		who := "Roles: " + strings.Join(r.Roles, ", ")
		if r.Vendor {
			who += "; a vendor token too, scoped to its own vendor"
		}
		op["description"] = who + "."
		op["x-roles"] = slices.Clone(r.Roles)
		op["x-vendor"] = r.Vendor
	}

	_, pathNames := OpenAPIPath(r.Path)
	params := []any{}
	for _, name := range pathNames {
		desc := "An id"
		if name == "id" {
			desc = "The project id"
		}
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": map[string]any{"type": "string"}})
	}
	queries := g.queries(r)
	for _, name := range queries {
		p := map[string]any{"name": name, "in": "query", "required": false}
		switch name {
		case "as_of":
			p["description"] = "What the ledger knew then: an RFC 3339 time, a date (its end) or pos:N (a global position)"
			p["schema"] = map[string]any{"type": "string"}
		case "effective":
			p["description"] = "The state of the world at this business time (RFC 3339 or a date), by what the ledger knows as of as_of"
			p["schema"] = map[string]any{"type": "string"}
		default:
			p["description"] = "See the summary"
			p["schema"] = map[string]any{"type": "string"}
			for k, v := range queryParams()[name] {
				p[k] = v
			}
		}
		params = append(params, p)
	}
	if sse(r) {
		params = append(params, map[string]any{"name": "Last-Event-ID", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
			"description": "Resume after this global position (what the last event's id said)"})
	}
	writes := r.Request != nil
	if _, ok := r.Request.(writeRequest); ok {
		params = append(params,
			map[string]any{"name": "Idempotency-Key", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
				"description": "A retry with the same key (same token, method and path) appends nothing new and gets the same answer"},
			map[string]any{"name": "If-Match", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
				"description": "The ETag (stream version) the client saw; a stale one is refused with 412"},
			map[string]any{"name": "X-Reason", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
				"description": "Why: recorded on the events (the body's reason wins)"},
			map[string]any{"name": "X-Correlation-ID", "in": "header", "required": false, "schema": map[string]any{"type": "string", "format": "uuid"},
				"description": "Ties the events to a wider piece of work"})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if writes {
		op["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Request))}}}
	}

	responses := map[string]any{}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	success := map[string]any{"description": http.StatusText(status)}
	switch {
	case r.Response != nil:
		success["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Response))}}
	case r.Path == "/metrics":
		success["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
	case sse(r):
		success["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}
	}
	if versioned(r) {
		success["headers"] = map[string]any{"ETag": map[string]any{"description": "The project stream's version the answer reflects (send it as If-Match)",
			"schema": map[string]any{"type": "string"}}}
	}
	responses[strconv.Itoa(status)] = success
	fail := func(code int, why string) {
		responses[strconv.Itoa(code)] = map[string]any{"description": why,
			"content": map[string]any{"application/problem+json": map[string]any{"schema": g.schema(reflect.TypeFor[Problem]())}}}
	}
	if writes || len(queries) > 0 {
		fail(http.StatusBadRequest, "The request is malformed: bad JSON, an unknown field, a wrong type, or a bad query parameter or header")
	}
	if !r.Public {
		fail(http.StatusUnauthorized, "No token, or an unknown or revoked one")
		fail(http.StatusForbidden, "The token's role may not do this")
	}
	if len(pathNames) > 0 || !r.Public { // a vendor's token gets a 404 for every route not open to it
		fail(http.StatusNotFound, "No such project or item, or one the token may not see")
	}
	if writes {
		fail(http.StatusConflict, "The command conflicts with the current state")
		fail(http.StatusPreconditionFailed, "If-Match named a version that is no longer current (rule version.stale); nothing was written")
		fail(http.StatusRequestEntityTooLarge, "The body is over the size limit")
		fail(http.StatusUnprocessableEntity, "The command breaks a rule; the problem names the field and the rule")
	}
	if r.Path == "/readyz" {
		fail(http.StatusServiceUnavailable, "The ledger cannot be read")
	}
	if sse(r) {
		fail(http.StatusServiceUnavailable, "The server has no live event feed")
	}
	fail(http.StatusInternalServerError, "The server failed; the error is logged")
	op["responses"] = responses
	return op
}

// queries returns the query parameters r takes, as_of and effective first.
func (g *schemaGen) queries(r Route) []string {
	if r.Method != http.MethodGet {
		return nil
	}
	var out []string
	if strings.HasPrefix(r.Path, "/v1/projects/:id/") && r.Response != nil { // a view, as of any moment
		out = append(out, "as_of", "effective")
	}
	names := slices.Clone(queryByPath[r.Method+" "+r.Path])
	for _, m := range summaryQuery.FindAllStringSubmatch(r.Summary, -1) {
		names = append(names, m[1])
	}
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// sse reports whether r answers with server-sent events.
func sse(r Route) bool {
	return r.Response == nil && strings.Contains(strings.ToLower(r.Summary), "server-sent events")
}

// versioned reports whether r's answer carries the project stream's
// version as its ETag: a project route whose answer says its version.
func versioned(r Route) bool {
	if !strings.HasPrefix(r.Path, "/v1/projects/:id") && !(r.Path == "/v1/projects" && r.Method == http.MethodPost) {
		return false
	}
	t := reflect.TypeOf(r.Response)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return false
	}
	for _, f := range jsonFields(t, 0, map[reflect.Type]bool{}) {
		if f.name == "version" {
			return true
		}
	}
	return false
}

// operationID is "post_v1_projects_id_risks" for POST /v1/projects/:id/risks.
func operationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, part := range strings.FieldsFunc(r.Path, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) {
		b.WriteString("_" + part)
	}
	return b.String()
}

// tag groups a route by its area: the path's first segment after the
// version and the project.
func tag(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > 0 && parts[0] == "v1" {
		parts = parts[1:]
	}
	if len(parts) >= 3 && parts[0] == "projects" && parts[1] == ":id" {
		return parts[2]
	}
	if len(parts) == 0 || parts[0] == "" {
		return "service"
	}
	if len(parts) == 1 && !strings.HasPrefix(path, "/v1/") {
		return "service"
	}
	return parts[0]
}

// schemaGen turns Go types into JSON Schemas the way encoding/json would
// write them; named structs become components referred to by $ref.
type schemaGen struct {
	schemas map[string]any
	names   map[reflect.Type]string
	taken   map[string]reflect.Type
}

var (
	typeTime    = reflect.TypeFor[time.Time]()
	typeDate    = reflect.TypeFor[events.Date]()
	typeRaw     = reflect.TypeFor[json.RawMessage]()
	typeUUID    = reflect.TypeFor[uuid.UUID]()
	typeJSONM   = reflect.TypeFor[json.Marshaler]()
	typeTextM   = reflect.TypeFor[encoding.TextMarshaler]()
	typeDurNano = reflect.TypeFor[time.Duration]()
)

// schema returns the schema of t: a $ref for a named struct, inline
// otherwise.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	if t.Kind() == reflect.Pointer { // nil is null
		return nullable(g.schema(t.Elem()))
	}
	switch t {
	case typeTime:
		return map[string]any{"type": "string", "format": "date-time"}
	case typeDate:
		return map[string]any{"type": "string", "format": "date", "pattern": `^(\d{4}-\d{2}-\d{2})?$`, "description": "A calendar date YYYY-MM-DD; empty means none"}
	case typeRaw:
		return map[string]any{}
	case typeUUID:
		return map[string]any{"type": "string", "format": "uuid"}
	case typeDurNano:
		return map[string]any{"type": "integer", "format": "int64", "description": "nanoseconds"}
	}
	if implements(t, typeJSONM) {
		if v, ok := seqValue(t); ok { // a table that marshals as an object of its items
			return map[string]any{"type": "object", "additionalProperties": g.schema(v)}
		}
		return map[string]any{"description": "custom JSON"}
	}
	if implements(t, typeTextM) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name, ok := g.names[t]
		if !ok {
			name = g.name(t)
			g.names[t] = name
			g.schemas[name] = map[string]any{} // placeholder for recursive types
			g.schemas[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{"description": "unsupported type " + t.String()}
}

// nullable allows null besides what s allows.
func nullable(s map[string]any) map[string]any {
	switch t := s["type"].(type) {
	case string:
		s["type"] = []string{t, "null"}
		return s
	case nil:
		if len(s) == 0 { // any JSON: null already
			return s
		}
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// name picks t's component name: its Go name, qualified by its package
// when another type took the name first.
func (g *schemaGen) name(t reflect.Type) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
				return r
			}
			return '_'
		}, s)
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 { // a generic: Page[pkg.Item] → Page_Item
		args := strings.Split(strings.TrimSuffix(name[i+1:], "]"), ",")
		for j, a := range args {
			args[j] = a[strings.LastIndexByte(a, '.')+1:]
		}
		name = name[:i] + "_" + strings.Join(args, "_")
	}
	name = clean(name)
	if other, ok := g.taken[name]; ok && other != t {
		pkg := t.PkgPath()
		name = clean(pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + name)
		for i := 2; g.taken[name] != nil && g.taken[name] != t; i++ {
			name = fmt.Sprintf("%s%d", strings.TrimRight(name, "0123456789"), i)
		}
	}
	g.taken[name] = t
	return name
}

// field is one JSON property of a struct.
type field struct {
	name     string
	typ      reflect.Type
	required bool
	asString bool
	depth    int
	tagged   bool
}

// object is the schema of a struct's JSON form: exported fields by their
// json names, embedded structs flattened, and fields without omitempty or
// omitzero required.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	fields := jsonFields(t, 0, map[reflect.Type]bool{})
	// encoding/json's rule: the shallowest field wins; at the same depth a
	// tagged field wins over untagged ones; otherwise the name is dropped.
	byName := map[string][]field{}
	var order []string
	for _, f := range fields {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	props := map[string]any{}
	required := []string{}
	for _, name := range order {
		fs := byName[name]
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].depth < fs[j].depth })
		win := fs[0]
		if len(fs) > 1 && fs[1].depth == win.depth {
			tagged := 0
			for _, f := range fs {
				if f.depth == win.depth && f.tagged {
					tagged++
					win = f
				}
			}
			if tagged != 1 {
				continue
			}
		}
		s := g.schema(win.typ)
		if win.asString {
			s = map[string]any{"type": "string", "description": "a JSON string holding the value"}
		}
		props[name] = s
		if win.required {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func jsonFields(t reflect.Type, depth int, seen map[reflect.Type]bool) []field {
	if seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if name == "" && et.Kind() == reflect.Struct && !implements(et, typeJSONM) && !implements(et, typeTextM) {
				out = append(out, jsonFields(et, depth+1, seen)...)
				continue
			}
			if !f.IsExported() && et.Kind() != reflect.Struct {
				continue
			}
		} else if !f.IsExported() {
			continue
		}
		tagged := name != ""
		if name == "" {
			name = f.Name
		}
		optional := false
		asString := false
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				optional = true
			case "string":
				switch ft.Kind() {
				case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
					asString = true
				}
			}
		}
		out = append(out, field{name: name, typ: ft, required: !optional, asString: asString, depth: depth, tagged: tagged})
	}
	return out
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// seqValue finds V when t (or *t) has All() iter.Seq2[string, V].
func seqValue(t reflect.Type) (reflect.Type, bool) {
	m, ok := reflect.PointerTo(t).MethodByName("All")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 {
		return nil, false
	}
	seq := m.Type.Out(0)
	if seq.Kind() != reflect.Func || seq.NumIn() != 1 {
		return nil, false
	}
	yield := seq.In(0)
	if yield.Kind() != reflect.Func || yield.NumIn() != 2 || yield.In(0).Kind() != reflect.String {
		return nil, false
	}
	return yield.In(1), true
}
