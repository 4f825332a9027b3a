package rego

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// maxRuleFileSize bounds one .rego file, so a stray huge file cannot
// exhaust memory at load.
const maxRuleFileSize = 4 << 20

// Source is a tree of .rego files: the embedded rule pack or a directory.
type Source struct {
	// Name prefixes the file names shown in errors and listings, such as
	// a directory path.
	Name string
	// FS holds the files; every *.rego file in it is read, recursively.
	FS fs.FS
}

// DirSource returns the source for the directory dir.
func DirSource(dir string) Source {
	return Source{Name: dir, FS: os.DirFS(dir)}
}

// traceePackage matches a Tracee legacy package clause, parsed as Rego v0.
var traceePackage = regexp.MustCompile(`(?m)^[ \t]*package[ \t]+tracee(\.|[ \t]*$|[ \t]*#)`)

// parseSources parses every rule file of srcs, and the *_test.rego files
// too when tests is set. It returns the modules by file name. Every file
// is read; problems in all of them are reported together.
func parseSources(srcs []Source, tests bool) (map[string]*ast.Module, error) {
	mods := map[string]*ast.Module{}
	var errs Errors
	for _, src := range srcs {
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".rego") {
				return nil
			}
			if strings.HasSuffix(p, "_test.rego") && !tests {
				return nil
			}
			name := path.Join(src.Name, p)
			mod, err := parseFile(src.FS, p, name)
			if err != nil {
				var es Errors
				if errors.As(err, &es) {
					errs = append(errs, es...)
					return nil
				}
				return err
			}
			if _, dup := mods[name]; dup {
				errs = append(errs, errAt(name, nil, "file loaded twice"))
				return nil
			}
			mods[name] = mod
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read rules from %s: %w", src.Name, err)
		}
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return mods, nil
}

func parseFile(fsys fs.FS, p, name string) (*ast.Module, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open rule file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRuleFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read rule file %s: %w", name, err)
	}
	if len(b) > maxRuleFileSize {
		return nil, Errors{errAt(name, nil, "file larger than %d bytes", maxRuleFileSize)}
	}
	version := ast.RegoV1
	if traceePackage.Match(b) {
		version = ast.RegoV0
	}
	mod, err := ast.ParseModuleWithOpts(name, string(b), ast.ParserOptions{RegoVersion: version})
	if err != nil {
		return nil, fromAST(name, err)
	}
	if mod == nil {
		return nil, Errors{errAt(name, nil, "empty rule file")}
	}
	return mod, nil
}

func sortErrors(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
