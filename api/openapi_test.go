package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// served is the OpenAPI document as GET /openapi.json serves it, decoded
// into plain JSON values.
func served(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	status, h, body := f.do("", http.MethodGet, "/openapi.json", nil)
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Contains(t, h.Get("Content-Type"), "application/json")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	if out := os.Getenv("PLEDGER_OPENAPI_OUT"); out != "" {
		require.NoError(t, os.WriteFile(out, body, 0o644))
	}
	return doc
}

func TestOpenAPIListsExactlyTheServedRoutes(t *testing.T) {
	f := newFixture(t)
	doc := served(t, f)

	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	router := map[string]bool{}
	for _, r := range f.server.Handler().(*echo.Echo).Routes() {
		p, _ := api.OpenAPIPath(r.Path)
		router[r.Method+" "+p] = true
	}
	table := map[string]bool{}
	shapes := map[string]string{} // /v1/x/:a and /v1/x/:b are one route to echo
	for _, r := range f.server.Routes() {
		p, _ := api.OpenAPIPath(r.Path)
		require.False(t, table[r.Method+" "+p], "%s %s is in the table twice", r.Method, r.Path)
		table[r.Method+" "+p] = true
		shape := r.Method + " " + pathParam.ReplaceAllString(p, "{}")
		require.NotContains(t, shapes, shape, "%s %s and %s are the same route to the router", r.Method, r.Path, shapes[shape])
		shapes[shape] = r.Path
	}
	require.NotEmpty(t, router)
	require.Equal(t, keys(router), keys(documented), "the document and the router disagree")
	require.Equal(t, keys(router), keys(table), "the route table and the router disagree")
	require.True(t, documented["GET /openapi.json"])

	// The Go value and the served document are the same document.
	direct, err := json.Marshal(f.server.OpenAPI())
	require.NoError(t, err)
	var again map[string]any
	require.NoError(t, json.Unmarshal(direct, &again))
	require.Equal(t, doc, again)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	f := newFixture(t)
	doc := served(t, f)
	require.Equal(t, "3.1.0", doc["openapi"])
	info := doc["info"].(map[string]any)
	require.NotEmpty(t, info["title"])
	require.NotEmpty(t, info["version"])
	components := doc["components"].(map[string]any)
	schemas := components["schemas"].(map[string]any)
	require.Contains(t, schemas, "Problem")
	require.Contains(t, components["securitySchemes"], "bearer")

	routes := map[string]api.Route{}
	for _, r := range f.server.Routes() {
		p, _ := api.OpenAPIPath(r.Path)
		routes[r.Method+" "+p] = r
	}
	operationIDs := map[string]string{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			r, ok := routes[where]
			require.True(t, ok, where)

			id, _ := op["operationId"].(string)
			require.NotEmpty(t, id, where)
			require.NotContains(t, operationIDs, id, "%s: operationId %s is also %s", where, id, operationIDs[id])
			operationIDs[id] = where
			require.NotEmpty(t, op["summary"], where)

			// Every {param} of the path is declared, required, in: path; and
			// nothing else is declared in: path.
			declared := map[string]bool{}
			query := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p := p.(map[string]any)
				require.NotEmpty(t, p["schema"], "%s: parameter %v", where, p["name"])
				switch p["in"] {
				case "path":
					require.Equal(t, true, p["required"], "%s: path parameter %v must be required", where, p["name"])
					declared[p["name"].(string)] = true
				case "query":
					query[p["name"].(string)] = true
				case "header":
				default:
					t.Errorf("%s: parameter %v in %v", where, p["name"], p["in"])
				}
			}
			inPath := map[string]bool{}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				inPath[m[1]] = true
			}
			require.Equal(t, inPath, declared, "%s: path parameters", where)
			if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/v1/projects/:id/") && r.Response != nil {
				require.True(t, query["as_of"] && query["effective"], "%s: every project view takes as_of and effective", where)
			}

			// Security, and the error answers that apply.
			responses := op["responses"].(map[string]any)
			require.Contains(t, responses, strconv.Itoa(r.Status), "%s: the success status", where)
			security := op["security"].([]any)
			if r.Public {
				require.Empty(t, security, "%s is public", where)
				require.NotContains(t, responses, "401", where)
				require.NotContains(t, responses, "403", where)
			} else {
				require.Equal(t, []any{map[string]any{"bearer": []any{}}}, security, where)
				require.Contains(t, responses, "401", where)
				require.Contains(t, responses, "403", where)
			}
			if len(inPath) > 0 {
				require.Contains(t, responses, "404", where)
			}
			if r.Request != nil {
				require.Contains(t, op, "requestBody", where)
				for _, code := range []string{"400", "409", "412", "413", "422"} {
					require.Contains(t, responses, code, where)
				}
			} else {
				require.NotContains(t, op, "requestBody", where)
				require.NotContains(t, responses, "412", where)
				require.NotContains(t, responses, "413", where)
			}
			require.Contains(t, responses, "500", where)
			for code, resp := range responses {
				n, err := strconv.Atoi(code)
				require.NoError(t, err, "%s: response %s", where, code)
				resp := resp.(map[string]any)
				require.NotEmpty(t, resp["description"], "%s %s", where, code)
				if n >= 400 {
					content := resp["content"].(map[string]any)
					require.Equal(t, map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}, content["application/problem+json"], "%s %s", where, code)
				}
			}
		}
	}

	// Every $ref resolves, and every component is a schema.
	var refs []string
	walk(doc, func(m map[string]any) {
		if ref, ok := m["$ref"].(string); ok {
			refs = append(refs, ref)
		}
	})
	require.NotEmpty(t, refs)
	for _, ref := range refs {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		require.True(t, ok, "unexpected $ref %s", ref)
		require.Contains(t, schemas, name, "dangling $ref %s", ref)
		require.Regexp(t, `^[A-Za-z0-9._-]+$`, name)
	}
	for name, s := range schemas {
		require.NotEmpty(t, s, "component %s is empty", name)
	}
}

// walk calls fn on every object in v.
func walk(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for _, e := range v {
			walk(e, fn)
		}
	case []any:
		for _, e := range v {
			walk(e, fn)
		}
	}
}

// TestOpenAPISchemas checks the reflection against types whose JSON form is
// known.
func TestOpenAPISchemas(t *testing.T) {
	f := newFixture(t)
	doc := served(t, f)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	prop := func(schema, name string) map[string]any {
		t.Helper()
		s, ok := schemas[schema].(map[string]any)
		require.True(t, ok, "no component %s", schema)
		p, ok := s["properties"].(map[string]any)[name].(map[string]any)
		require.True(t, ok, "%s has no property %s: %v", schema, name, s["properties"])
		return p
	}
	// Embedded Write is flattened; Date is a date; required follows omitempty.
	require.Equal(t, "string", prop("RiskRequest", "reason")["type"])
	require.Equal(t, "integer", prop("RiskRequest", "probability")["type"])
	require.Equal(t, "date", prop("RiskRequest", "review_date")["format"])
	risk := schemas["RiskRequest"].(map[string]any)
	require.Subset(t, risk["required"], []any{"title", "probability", "impact", "owner"})
	require.NotContains(t, risk["required"], "reason")
	require.NotContains(t, risk["required"], "review_date")
	// json.RawMessage is any JSON.
	require.Equal(t, map[string]any{"type": "array", "items": map[string]any{}}, prop("Written", "events"))
	// Money is minor units and a currency.
	if money, ok := schemas["Money"].(map[string]any); ok {
		require.Equal(t, "integer", money["properties"].(map[string]any)["minor"].(map[string]any)["type"])
		require.Equal(t, "string", money["properties"].(map[string]any)["currency"].(map[string]any)["type"])
	}
	// A response that is a list refers to its item.
	list := doc["paths"].(map[string]any)["/v1/projects"].(map[string]any)["get"].(map[string]any)
	schema := list["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	require.Equal(t, map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/ProjectSummary"}}, schema)
	// ProjectSummary embeds the charter: flattened.
	require.Contains(t, schemas["ProjectSummary"].(map[string]any)["properties"], "href")
	require.Contains(t, schemas["ProjectSummary"].(map[string]any)["properties"], "project_id")
	// Every schema has a type or is a reference or deliberately any.
	walk(schemas, func(m map[string]any) {
		if p, ok := m["properties"].(map[string]any); ok {
			for name, s := range p {
				s := s.(map[string]any)
				if len(s) == 0 {
					continue // any JSON
				}
				_, typed := s["type"]
				_, ref := s["$ref"]
				_, anyOf := s["anyOf"]
				require.True(t, typed || ref || anyOf, "property %s has neither a type nor a $ref: %v", name, s)
				require.NotContains(t, fmt.Sprint(s["description"]), "unsupported", "property %s", name)
			}
		}
	})
	// The raid view documents its filters.
	raid := doc["paths"].(map[string]any)["/v1/projects/{id}/raid"].(map[string]any)["get"].(map[string]any)
	var names []string
	for _, p := range raid["parameters"].([]any) {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	for _, want := range []string{"as_of", "effective", "status", "owner", "severity"} {
		require.True(t, slices.Contains(names, want), "raid lacks ?%s: %v", want, names)
	}
}

// TestResponsesMatchTheDocument reads every view of the demo (generated
// from the table) and checks each answer against the schema the document
// gives for it: the document describes what the server really sends.
func TestResponsesMatchTheDocument(t *testing.T) {
	f := matrixFixture(t)
	ids := newDemoIDs(t, f)
	doc := served(t, f)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	paths := doc["paths"].(map[string]any)
	values := map[string]string{"days": "7", "from": "2026-06-01", "vendor": ids.own["vendor"]}
	ask := regexp.MustCompile(`[?&]([a-z_]+)=`)
	// The checker catches what it should.
	problemRef := map[string]any{"$ref": "#/components/schemas/Problem"}
	require.Len(t, conform(schemas, problemRef, map[string]any{"type": "t", "title": "t", "status": "400", "colour": 1}, "$"), 2)
	require.Empty(t, conform(schemas, problemRef, map[string]any{"type": "t", "title": "t", "status": 400.0}, "$"))

	check := func(r api.Route, path string, status int, h http.Header, body []byte) {
		t.Helper()
		p, _ := api.OpenAPIPath(r.Path)
		op := paths[p].(map[string]any)[strings.ToLower(r.Method)].(map[string]any)
		resp, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
		require.True(t, ok, "%s %s answered %d, which the document does not list: %s", r.Method, path, status, body)
		ct, _, _ := strings.Cut(h.Get("Content-Type"), ";")
		content, _ := resp["content"].(map[string]any)
		media, ok := content[ct].(map[string]any)
		require.True(t, ok, "%s %s answered %d as %s, which the document does not list", r.Method, path, status, ct)
		if !strings.Contains(ct, "json") {
			return
		}
		var v any
		require.NoError(t, json.Unmarshal(body, &v))
		for _, problem := range conform(schemas, media["schema"].(map[string]any), v, "$") {
			t.Errorf("%s %s (%d): %s", r.Method, path, status, problem)
		}
	}
	checked := 0
	for _, r := range f.server.Routes() {
		if r.Method != http.MethodGet || r.Path == "/metrics" {
			continue
		}
		path, _ := ids.fill(r.Path, ids.own)
		q := url.Values{}
		for _, m := range ask.FindAllStringSubmatch(r.Summary, -1) {
			if v, ok := values[m[1]]; ok {
				q.Set(m[1], v)
			}
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		for _, who := range []string{events.RoleAdmin, events.RoleVendor} {
			status, h, body := send(t, f, who, r.Method, path, nil)
			if status == http.StatusServiceUnavailable && body == nil {
				continue
			}
			check(r, path, status, h, body)
			checked++
		}
	}
	// A write's answer, and a refusal's.
	for _, r := range f.server.Routes() {
		if r.Method == http.MethodPost && r.Path == "/v1/projects/:id/risks" {
			path, _ := ids.fill(r.Path, ids.own)
			status, h, body := send(t, f, events.RoleAdmin, r.Method, path, map[string]any{"title": "Conformance", "probability": 2, "impact": 2, "owner": "o"})
			check(r, path, status, h, body)
			status, h, body = send(t, f, events.RoleAdmin, r.Method, path, map[string]any{"title": "Conformance", "probability": 9, "impact": 2, "owner": "o"})
			check(r, path, status, h, body)
			checked += 2
		}
	}
	require.Greater(t, checked, 20)
}

// conform checks v against a JSON Schema, the subset the document uses:
// $ref, type, properties, required, items, additionalProperties, anyOf.
func conform(schemas map[string]any, s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		target, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if !ok {
			return []string{at + ": dangling " + ref}
		}
		return conform(schemas, target, v, at)
	}
	if anyOf, ok := s["anyOf"].([]any); ok {
		var all []string
		for _, alt := range anyOf {
			problems := conform(schemas, alt.(map[string]any), v, at)
			if len(problems) == 0 {
				return nil
			}
			all = append(all, problems...)
		}
		return all
	}
	if typ, ok := s["type"]; ok {
		var types []string
		switch typ := typ.(type) {
		case string:
			types = []string{typ}
		case []any:
			for _, t := range typ {
				types = append(types, t.(string))
			}
		}
		if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, documented as %v", at, jsonType(v), types)}
		}
	}
	var out []string
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, name := range asStrings(s["required"]) {
			if _, ok := v[name]; !ok {
				out = append(out, fmt.Sprintf("%s: required %q is missing", at, name))
			}
		}
		for name, e := range v {
			if ps, ok := props[name].(map[string]any); ok {
				out = append(out, conform(schemas, ps, e, at+"."+name)...)
			} else if extra, ok := s["additionalProperties"].(map[string]any); ok {
				out = append(out, conform(schemas, extra, e, at+"."+name)...)
			} else if props != nil {
				out = append(out, fmt.Sprintf("%s: %q is not documented", at, name))
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range v {
				out = append(out, conform(schemas, items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return out
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func asStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}
