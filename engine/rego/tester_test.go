package rego

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/rules"
)

func TestRunTestsReportsFailures(t *testing.T) {
	src := memSource("u", map[string]string{
		"ok.rego": okRule,
		"ok_test.rego": `package splicewatch.rules.ok_test

import data.splicewatch.rules.ok
import data.splicewatch.lib

test_pass if count(ok.findings) == 1 with input as {"args": {"len": 5}}
test_fail if count(ok.findings) == 1 with input as {"args": {"len": 0}}
test_lib if lib.errno.EPIPE == -32
`,
	})
	res, err := RunTests(context.Background(), &TestOptions{Sources: []Source{src}, Library: []Source{{Name: "lib", FS: rules.Lib()}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res {
		got[r.Name[strings.LastIndex(r.Name, ".")+1:]] = r.Pass
	}
	if len(got) != 3 || !got["test_pass"] || got["test_fail"] || !got["test_lib"] {
		t.Fatalf("results %+v", res)
	}
}

func TestRunTestsCompileError(t *testing.T) {
	src := memSource("u", map[string]string{"bad_test.rego": "package x_test\n\ntest_x if { y }\n"})
	_, err := RunTests(context.Background(), &TestOptions{Sources: []Source{src}})
	var errs Errors
	if !errors.As(err, &errs) || !strings.HasPrefix(errs[0].Error(), "u/bad_test.rego:3:") {
		t.Fatalf("err = %v", err)
	}
}

// The example rules in docs/examples load, and the native one's tests pass.
func TestExampleRules(t *testing.T) {
	lib := []Source{{Name: "lib", FS: rules.Lib()}}
	d := mustLoad(t, &Options{Sources: []Source{DirSource("../../docs/examples")}, Library: lib})
	formats := map[string]string{}
	for _, r := range d.Info() {
		formats[r.ID] = r.Format
	}
	if formats["EXAMPLE-001"] != FormatNative || formats["EXAMPLE-TRC-1"] != FormatTracee {
		t.Fatalf("example rules %v", formats)
	}
	res, err := RunTests(context.Background(), &TestOptions{Sources: []Source{DirSource("../../docs/examples/native")}, Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 4 {
		t.Fatalf("%d example tests", len(res))
	}
	for _, r := range res {
		if !r.Pass {
			t.Errorf("%s failed: %s", r.Name, r.Error)
		}
	}
}
