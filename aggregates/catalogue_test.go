package aggregates

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// TestEventCatalogueMatchesTheRegistry checks docs/events.md against the
// code: every registered type with its schema version, its fields (from the
// payload struct's json tags), its doc comment and the commands that emit it
// (found in the Decide methods of this package). Run with
// PLEDGER_UPDATE_DOCS=1 to rewrite the file, then review the diff.
func TestEventCatalogueMatchesTheRegistry(t *testing.T) {
	want := renderCatalogue(t)
	const path = "../docs/events.md"
	if os.Getenv("PLEDGER_UPDATE_DOCS") == "1" {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/events.md is out of date: run PLEDGER_UPDATE_DOCS=1 go test ./aggregates -run Catalogue and review the diff")
}

// payloadDoc is what the events package's source says about a payload type.
type payloadDoc struct {
	goName string
	doc    string
	fields []fieldDoc
}

type fieldDoc struct{ name, typ, comment string }

func renderCatalogue(t *testing.T) string {
	payloads := parsePayloads(t, "../events")
	emitters := parseEmitters(t, ".")
	registry := events.NewCatalogue()
	names := registry.Names()
	require.Len(t, names, len(registry.Types()))

	var b strings.Builder
	b.WriteString(catalogueIntro)
	area := ""
	for _, name := range names {
		pd, ok := payloads[name]
		require.True(t, ok, "registered type %s has no payload struct with an EventType method in events/", name)
		if a, _, _ := strings.Cut(name, "."); a != area {
			area = a
			fmt.Fprintf(&b, "\n## %s\n", areaTitles[area])
			require.Contains(t, areaTitles, area, "add a title for area %q", area)
		}
		version, _ := registry.SchemaVersion(name)
		fmt.Fprintf(&b, "\n### `%s` (schema %d)\n\n", name, version)
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(strings.ReplaceAll(pd.doc, "\n", " ")))
		by := emitters[pd.goName]
		if len(by) == 0 {
			by = externalEmitters[pd.goName]
		}
		require.NotEmpty(t, by, "no command emits %s (%s)", name, pd.goName)
		fmt.Fprintf(&b, "Go type `events.%s`. Stream: `%s`. Emitted by: %s.\n\n", pd.goName, streamOf(pd.goName, area), strings.Join(by, ", "))
		b.WriteString("| field | type | notes |\n|---|---|---|\n")
		for _, f := range pd.fields {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.name, f.typ, f.comment)
		}
	}
	return b.String()
}

const catalogueIntro = `# Event catalogue

Every event type pledger writes: its wire name and schema version, what it means, the
stream it lives in, the commands that emit it, and its fields. The envelope (id, stream,
version, position, recorded-at, effective-at, actor, reason, correlation and causation ids,
hashes) is on every event and is described in [format.md](format.md).

This file is generated from the code and checked by a test
(` + "`aggregates/catalogue_test.go`" + `): the registry (` + "`events.NewCatalogue`" + `), the payload structs and
their doc comments, and the ` + "`Decide`" + ` methods that emit them. After changing events, run
` + "`PLEDGER_UPDATE_DOCS=1 go test ./aggregates -run Catalogue`" + ` and review the diff.

Conventions: money is ` + "`{\"minor\": integer, \"currency\": \"EUR\"}`" + ` (integer minor units, never a
float); dates are ` + "`\"YYYY-MM-DD\"`" + ` calendar dates; item ids are human-readable and handed out in
order per project (` + "`R-1`" + `, ` + "`CR-2`" + `, ` + "`DL-3`" + `…). Events that move a baseline carry ` + "`cr_id`" + ` and have
the change request's approval event as their causation id.
`

var areaTitles = map[string]string{
	"ledger": "Ledger", "project": "Project", "scope": "Scope and change requests", "raid": "RAID",
	"budget": "Budget", "schedule": "Schedule", "vendor": "Vendors", "decision": "Decisions",
	"meeting": "Meetings and action items", "document": "Documents", "team": "Team and onboarding",
	"person": "People and access", "report": "Status reports", "access": "API access tokens",
}

// externalEmitters names what emits the types no Decide method does.
var externalEmitters = map[string][]string{
	"Sealed":           {"`pledger seal` (`events.SealLedger`)"},
	"VendorRegistered": {"`RegisterVendor`"},
}

func streamOf(goName, area string) string {
	switch {
	case area == "ledger":
		return events.SealsStream
	case area == "person":
		return "person-<uuid>"
	case area == "access":
		return TokensStream
	case goName == "VendorRegistered":
		return "vendor-<uuid>"
	}
	return "project-<uuid>"
}

// parsePayloads maps wire names to the payload structs that declare them.
func parsePayloads(t *testing.T, dir string) map[string]payloadDoc {
	fset, files := parseGoFiles(t, dir, parser.ParseComments)
	pkg, err := doc.NewFromFiles(fset, files, "github.com/pledger/pledger/events", doc.AllDecls|doc.PreserveAST)
	require.NoError(t, err)
	wire := map[string]string{} // Go type → wire name
	for _, file := range files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "EventType" || fn.Recv == nil || len(fn.Body.List) != 1 {
				continue
			}
			ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				continue
			}
			if lit, ok := ret.Results[0].(*ast.BasicLit); ok {
				wire[exprString(fn.Recv.List[0].Type)] = strings.Trim(lit.Value, `"`)
			}
		}
	}
	out := map[string]payloadDoc{}
	for _, ty := range pkg.Types {
		name, ok := wire[ty.Name]
		if !ok {
			continue
		}
		st := ty.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.StructType)
		pd := payloadDoc{goName: ty.Name, doc: ty.Doc}
		for _, f := range st.Fields.List {
			tag := reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json")
			jsonName, opts, _ := strings.Cut(tag, ",")
			comment := strings.TrimSpace(f.Comment.Text())
			if strings.Contains(opts, "omit") {
				comment = strings.TrimSuffix("optional; "+comment, "; ")
			}
			pd.fields = append(pd.fields, fieldDoc{name: jsonName, typ: jsonType(f.Type), comment: comment})
		}
		out[name] = pd
	}
	return out
}

// parseEmitters maps payload Go types to the commands whose Decide method
// builds them.
func parseEmitters(t *testing.T, dir string) map[string][]string {
	_, files := parseGoFiles(t, dir, 0)
	out := map[string][]string{}
	for _, file := range files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "Decide" || fn.Recv == nil {
				continue
			}
			command := "`" + exprString(fn.Recv.List[0].Type) + "`"
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				var name string
				switch n := n.(type) {
				case *ast.CompositeLit:
					name = exprString(n.Type)
				case *ast.CallExpr: // conversions such as events.RiskClosed(c)
					name = exprString(n.Fun)
				}
				if payload, ok := strings.CutPrefix(name, "events."); ok && !slices.Contains(out[payload], command) {
					out[payload] = append(out[payload], command)
				}
				return true
			})
		}
	}
	return out
}

// parseGoFiles parses a package's non-test files in name order, so
// everything derived from them comes out the same on every run.
func parseGoFiles(t *testing.T, dir string, mode parser.Mode) (*token.FileSet, []*ast.File) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	slices.Sort(names)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, mode)
		require.NoError(t, err)
		files = append(files, f)
	}
	return fset, files
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	}
	return ""
}

// jsonType describes a Go field type as it appears in JSON.
func jsonType(e ast.Expr) string {
	switch s := exprString(e); s {
	case "string":
		return "string"
	case "int", "int64", "uint64":
		return "integer"
	case "Date":
		return "date"
	case "Money":
		return "money"
	case "Hash":
		return "hex string"
	case "[]byte":
		return "base64 string"
	case "map[string]string":
		return "object of strings"
	default:
		if elem, ok := strings.CutPrefix(s, "[]"); ok {
			return "list of " + jsonType(&ast.Ident{Name: elem})
		}
		return "object (" + s + ")"
	}
}
