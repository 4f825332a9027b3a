package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// Paths of the generated files, relative to the repository root.
const (
	DocsDir    = "docs/events"
	SchemaPath = "docs/schema/event.schema.json"
)

// ExamplePath is the name of an event's example in the examples file
// system handed to Generate: NAME.json.
func ExamplePath(name string) string { return name + ".json" }

// Generate renders every generated file, keyed by its path relative to the
// repository root: one page per event, the index and the JSON Schema.
// rules are the shipped rules; examples holds NAME.json files (see
// ExamplePath), and may lack some.
func Generate(rules []Rule, examples fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	all := All()
	for _, e := range all {
		example, err := fs.ReadFile(examples, ExamplePath(e.Name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read example of %s: %w", e.Name, err)
		}
		p, err := NewPage(e, rules, example)
		if err != nil {
			return nil, err
		}
		files[path.Join(DocsDir, e.Name+".md")] = p.Markdown()
	}
	files[path.Join(DocsDir, "README.md")] = Index(all)
	schema, err := Schema()
	if err != nil {
		return nil, err
	}
	files[SchemaPath] = schema
	return files, nil
}
