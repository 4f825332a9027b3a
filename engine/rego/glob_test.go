package rego

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// A glob shape never rejects a string OPA's glob.match matches, whatever
// the delimiters, and rejects the plain misses.
func TestGlobShapeNeverRejectsAMatch(t *testing.T) {
	patterns := []string{
		"/etc/shadow", "/etc/sudoers.d/*", "/etc/ssh/ssh_host_*_key", "/home/*/.ssh/id_*",
		"**.pub", "/srv/secrets/**", "/opt/*/credentials", "*", "**", "", "a?c", "/a*b*c", "/a*b*b",
		"/x/{a,b}/y", "/x/[ab]/*.key", "/x/\\*", "*/.ssh/*", "/var/log/**/*.gz", "ab*ba",
	}
	subjects := []string{
		"", "/etc/shadow", "/etc/shadow-", "/etc/sudoers.d/90", "/etc/sudoers.d/a/b", "/etc/ssh/ssh_host_rsa_key",
		"/etc/ssh/ssh_host_rsa_key.pub", "/home/al/.ssh/id_rsa", "/home/al/x/.ssh/id_rsa", "/root/.ssh/id_rsa.pub",
		"/srv/secrets/db/pw", "/srv/secrets", "/opt/app/credentials", "/opt/a/b/credentials", "abc", "a/c", "/abc",
		"/abbc", "/a/b/c", "/x/a/y", "/x/c/y", "/x/a/k.key", "/x/*", "/x/y", "aba", "abba", "ab", "/var/log/a/b.gz",
	}
	ctx := context.Background()
	q, err := rego.New(rego.Query("x := glob.match(input.p, input.d, input.s)")).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for _, p := range patterns {
		g := newGlobShape(p)
		for _, s := range subjects {
			may := g.mayMatch(s)
			if !may {
				rejected++
			}
			for _, d := range []any{[]any{"/"}, []any{}, nil} {
				rs, err := q.Eval(ctx, rego.EvalInput(map[string]any{"p": p, "d": d, "s": s}))
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) == 1 && rs[0].Bindings["x"] == true && !may {
					t.Errorf("shape of %q rejects %q, which glob.match(%q, %v) matches", p, s, p, d)
				}
			}
		}
	}
	if rejected < len(patterns)*len(subjects)/2 {
		t.Errorf("shapes rejected only %d of %d pairs", rejected, len(patterns)*len(subjects))
	}
}

func TestGlobShape(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    globShape
	}{
		{"/etc/shadow", globShape{exact: true, prefix: "/etc/shadow"}},
		{"/etc/sudoers.d/*", globShape{prefix: "/etc/sudoers.d/"}},
		{"/home/*/.ssh/id_*", globShape{prefix: "/home/", middle: []string{"/.ssh/id_"}}},
		{"/etc/ssh/ssh_host_*_key", globShape{prefix: "/etc/ssh/ssh_host_", suffix: "_key"}},
		{"**.pub", globShape{suffix: ".pub"}},
		{"/x/{a,b}/y", globShape{prefix: "/x/"}},
		{"/x/*.d/[ab]", globShape{prefix: "/x/", middle: []string{".d/"}}},
	} {
		if got := newGlobShape(tc.pattern); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("newGlobShape(%q) = %+v, want %+v", tc.pattern, got, tc.want)
		}
	}
}

// A malformed pattern gets no guard: OPA sees every event and reports it.
func TestGlobGuardSkipsMalformedPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		guarded bool
	}{
		{"/etc/*", true},
		{"/etc/{a,b}", true},
		{"/etc/{a,b", false},
		{"/etc/[a", false},
	} {
		d := mustLoad(t, &Options{Sources: []Source{memSource("g", map[string]string{"r.rego": fmt.Sprintf(`package splicewatch.rules.r

metadata := {"id": "R", "name": "r", "severity": "low"}

events := {"splice"}

findings contains {"p": input.args.fd_in_info.path} if glob.match(%s, ["/"], input.args.fd_in_info.path)
`, ast.StringTerm(tc.pattern))})}})
		if got := d.rules[0].guard != nil; got != tc.guarded {
			t.Errorf("%q: guarded = %v, want %v", tc.pattern, got, tc.guarded)
		}
	}
}
