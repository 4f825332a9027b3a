package rego

import (
	"context"
	"slices"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// The batch engine, with its guards, finds exactly what the naive
// evaluation of every rule on every selected event finds.
// Each evaluation path (guards, rules inlined into the batch query, rules
// under `with input`) is checked on its own.
func TestEngineMatchesNaive(t *testing.T) {
	ctx := context.Background()
	srcs := benchSources(20)
	mix := benchMix(3000)
	var want []string
	for i, o := range []*Options{{}, {noGuards: true}, {noGuards: true, noInline: true}} {
		o.Sources = srcs
		d := mustLoad(t, o)
		if i == 0 {
			n := newNaive(t, d, srcs)
			for _, ev := range mix {
				n.evaluate(ctx, ev, asMap(t, ev), func(f *event.Finding) { want = append(want, f.ID) })
			}
			slices.Sort(want)
		}
		var got []string
		if err := d.EvaluateBatch(ctx, mix, func(f *event.Finding) { got = append(got, f.ID) }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("noGuards=%v noInline=%v: engine found %d findings, naive %d", o.noGuards, o.noInline, len(got), len(want))
		}
		guarded, inlined := 0, 0
		for _, r := range d.rules {
			if r.guard != nil {
				guarded++
			}
			if r.inline != nil {
				inlined++
			}
		}
		t.Logf("noGuards=%v noInline=%v: %d findings; of %d rules, %d guarded, %d inlined",
			o.noGuards, o.noInline, len(got), len(d.rules), guarded, inlined)
	}
}

// SPW-008's guard, which matches file paths against the literal parts of
// its watched patterns, skips no event the rule reports, under each way
// an operator can set the patterns, for every call it selects.
func TestSensitiveFileGuardMatchesNaive(t *testing.T) {
	ctx := context.Background()
	configs := []struct {
		name string
		cfg  map[string]any
	}{
		{"default", nil},
		{"extra", map[string]any{"spw008_extra_paths": []any{"/srv/secrets/**", "/opt/*/credentials", "/x/{a,b}/key"}}},
		{"replaced", map[string]any{"spw008_paths": []any{"/srv/**", "**/id_rsa"}}},
		{"few", map[string]any{"spw008_paths": []any{"/etc/shadow"}}},
		{"none", map[string]any{"spw008_paths": []any{}}},
		{"exclude", map[string]any{"spw008_exclude_paths": []any{"/etc/sudoers.d/README"}}},
		{"malformed", map[string]any{"spw008_extra_paths": []any{"/srv/[x"}}},
	}
	paths := []string{
		"/etc/shadow", "/etc/shadow.bak", "/etc/sudoers.d/README", "/etc/ssh/ssh_host_ed25519_key",
		"/etc/ssh/ssh_host_ed25519_key.pub", "/home/al/.ssh/id_rsa", "/home/al/www/index.html", "/root/.ssh/id_rsa",
		"/proc/kcore", "/dev/mem", "/srv/secrets/db/pw", "/srv/www/app.js", "/opt/app/credentials", "/x/a/key",
		"/x/c/key", "/srv/[x", "", "/tmp/id_rsa",
	}
	base := benignEvents(t)
	var evs []*event.Event
	for _, tmpl := range base[1:] { // splice and sendfile
		for _, name := range []string{tmpl.Name, "tee"} {
			side := "fd_in_info"
			if name == "sendfile" {
				side = "in_fd_info"
			}
			for _, typ := range []string{"file", "chr", "socket"} {
				for _, p := range paths {
					ev := tmpl.Clone()
					ev.Name = name
					info, _ := ev.Args.Object(side)
					info = append(event.Args(nil), info...)
					info.Set("type", typ)
					if p == "" {
						info = slices.DeleteFunc(info, func(a event.Arg) bool { return a.Name == "path" })
					} else {
						info.Set("path", p)
					}
					ev.Args.Set(side, info)
					evs = append(evs, ev)
				}
			}
		}
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			srcs := packSources()
			d := mustLoad(t, &Options{Sources: srcs, Config: c.cfg})
			n := newNaiveWithConfig(t, d, srcs, c.cfg)
			var got, want []string
			for _, ev := range evs {
				if err := d.Evaluate(ctx, ev, func(f *event.Finding) { got = append(got, f.ID) }); err != nil {
					t.Fatal(err)
				}
				n.evaluate(ctx, ev, asMap(t, ev), func(f *event.Finding) { want = append(want, f.ID) })
			}
			var batch []string
			if err := d.EvaluateBatch(ctx, evs, func(f *event.Finding) { batch = append(batch, f.ID) }); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(want)
			slices.Sort(batch)
			if !slices.Equal(got, want) || !slices.Equal(batch, want) {
				t.Fatalf("engine found %d findings one by one and %d in a batch, naive %d", len(got), len(batch), len(want))
			}
			t.Logf("%d events, %d findings", len(evs), len(got))
		})
	}
}
