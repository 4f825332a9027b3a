package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/splicewatch/splicewatch/docs/events/examples"
	"github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/rules"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

// shippedRules returns the metadata of every rule splicewatch ships, with
// the events each selects: the event pages list them. They are the Go
// signatures of signatures/builtin and the rules of the embedded Rego pack
// (rules/), compiled as `splicewatch run` compiles them.
func shippedRules(ctx context.Context) ([]catalog.Rule, error) {
	var out []catalog.Rule
	for _, sig := range builtin.All() {
		m := sig.Metadata()
		out = append(out, catalog.Rule{ID: m.ID, Name: m.Name, Events: sig.Events(), Source: "signatures/builtin"})
	}
	det, err := rego.Load(ctx, &rego.Options{
		Sources: []rego.Source{{Name: embeddedName, FS: rules.FS()}},
		Library: libSources(),
	})
	if err != nil {
		return nil, fmt.Errorf("load the embedded rule pack: %w", err)
	}
	for _, r := range det.Info() {
		out = append(out, catalog.Rule{ID: r.ID, Name: r.Name, Events: r.Events, Source: packPath(r.File)})
	}
	return out, nil
}

// packPath turns the name a rule of the embedded pack was loaded under
// ("embedded/spw002_overlong_iovec.rego") into its path in the
// repository, for a link.
func packPath(file string) string {
	return path.Join("rules", strings.TrimPrefix(file, embeddedName+"/"))
}

// newEventsCmd builds `splicewatch events`: the event catalogue.
func newEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List the events splicewatch emits and describe each one",
		Long: "events shows the definition every event is generated from: what it means, its arguments\n" +
			"and where they come from, where it is hooked, which attacks it reveals and which rules select it.",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for \"splicewatch events\" (want list or describe)", args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newEventsListCmd(), newEventsDescribeCmd(), newEventsGenDocsCmd())
	return cmd
}

func outputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVarP(output, "output", "o", "text", "output format: text or json")
}

func checkOutput(output string) error {
	if output != "text" && output != "json" {
		return usagef("--output %q: want text or json", output)
	}
	return nil
}

func writeJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func newEventsListCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every event with its summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			all := catalog.All()
			if output == "json" {
				type entry struct {
					Name    string `json:"name"`
					Summary string `json:"summary"`
				}
				list := make([]entry, len(all))
				for i, e := range all {
					list[i] = entry{e.Name, e.Summary}
				}
				return writeJSON(cmd, list)
			}
			if err := catalog.WriteList(cmd.OutOrStdout(), all); err != nil {
				return fmt.Errorf("write list: %w", err)
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

func newEventsDescribeCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Describe one event: meaning, arguments, hooks, attacks, rules, an example",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("describe takes one event name (see `splicewatch events list`)")
			}
			return nil
		},
		ValidArgs: catalog.Names(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			def, ok := catalog.Lookup(args[0])
			if !ok {
				hint := ""
				if s := catalog.Suggest(args[0]); s != "" {
					hint = fmt.Sprintf("; did you mean %q?", s)
				}
				return usagef("unknown event %q%s (known: %s)", args[0], hint, strings.Join(catalog.Names(), ", "))
			}
			example, err := fs.ReadFile(examples.FS, catalog.ExamplePath(def.Name))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("read example: %w", err)
			}
			shipped, err := shippedRules(cmd.Context())
			if err != nil {
				return err
			}
			page, err := catalog.NewPage(def, shipped, example)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(cmd, page)
			}
			if err := page.WriteText(cmd.OutOrStdout()); err != nil {
				return fmt.Errorf("write page: %w", err)
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

// newEventsGenDocsCmd builds the hidden `splicewatch events gen-docs`, run
// by `make docs`: it writes the event pages and the JSON Schema, or with
// --check reports the files that differ from what it would write.
func newEventsGenDocsCmd() *cobra.Command {
	var root string
	var check bool
	cmd := &cobra.Command{
		Use:    "gen-docs",
		Short:  "Regenerate docs/events and docs/schema from the event definitions",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stale, err := genDocs(cmd.Context(), root, !check)
			if err != nil {
				return err
			}
			if check && len(stale) > 0 {
				return fmt.Errorf("generated docs are out of date, run `make docs`: %s", strings.Join(stale, ", "))
			}
			for _, f := range stale {
				fmt.Fprintln(cmd.OutOrStdout(), "wrote", f)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", ".", "repository root `dir`")
	cmd.Flags().BoolVar(&check, "check", false, "only report files that differ; fail if any does")
	return cmd
}

// genDocs compares the generated documentation with the files under root
// and returns the paths that differ, are missing or are stale pages. With
// write, it brings them up to date.
func genDocs(ctx context.Context, root string, write bool) ([]string, error) {
	shipped, err := shippedRules(ctx)
	if err != nil {
		return nil, err
	}
	files, err := catalog.Generate(shipped, os.DirFS(filepath.Join(root, catalog.DocsDir, "examples")))
	if err != nil {
		return nil, fmt.Errorf("generate docs: %w", err)
	}
	var changed []string
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err == nil && bytes.Equal(got, want) {
			continue
		}
		changed = append(changed, p)
		if !write {
			continue
		}
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, fmt.Errorf("create docs dir: %w", err)
		}
		if err := os.WriteFile(full, want, 0o644); err != nil {
			return nil, fmt.Errorf("write docs: %w", err)
		}
	}
	pages, err := filepath.Glob(filepath.Join(root, catalog.DocsDir, "*.md"))
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	for _, full := range pages {
		p := filepath.ToSlash(filepath.Join(catalog.DocsDir, filepath.Base(full)))
		if _, ok := files[p]; ok {
			continue
		}
		changed = append(changed, p)
		if write {
			if err := os.Remove(full); err != nil {
				return nil, fmt.Errorf("remove stale page: %w", err)
			}
		}
	}
	slices.Sort(changed)
	return changed, nil
}
