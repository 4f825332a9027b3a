package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// execute runs cmd with args and returns stdout, stderr and the exit
// status main would use.
func executeCmd(t *testing.T, cmd *cobra.Command, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	code := 0
	if err != nil {
		code = 1
		var ec interface{ ExitCode() int }
		if errors.As(err, &ec) {
			code = ec.ExitCode()
		}
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRulesList(t *testing.T) {
	extra := writeFiles(t, map[string]string{"x.rego": `package splicewatch.rules.x

metadata := {"id": "X-1", "name": "x", "severity": "critical"}
events := {"tee", "splice"}
findings contains 1 if input.ret < 0
`})
	out, _, code := executeCmd(t, newRulesCmd(nil), "", "list", "-o", "json", "--rules", extra)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var infos []struct {
		ID, Name, Severity, File string
		Events                   []string
	}
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range infos {
		got[r.ID] = r.Severity + " " + strings.Join(r.Events, ",") + " " + r.File
	}
	if got["SPW-002"] != "high vmsplice embedded/spw002_overlong_iovec.rego" ||
		got["X-1"] != "critical splice,tee "+filepath.Join(extra, "x.rego") {
		t.Fatalf("rules %v", got)
	}
	out, _, code = executeCmd(t, newRulesCmd(nil), "", "list", "--no-default-rules", "--rules", extra)
	if code != 0 || !strings.Contains(out, "X-1") || strings.Contains(out, "SPW-002") || !strings.HasPrefix(out, "ID ") {
		t.Fatalf("exit %d, table:\n%s", code, out)
	}
	if _, _, code := executeCmd(t, newRulesCmd(nil), "", "list", "-o", "yaml"); code != 2 {
		t.Fatalf("bad -o: exit %d, want 2", code)
	}
}

func TestRulesCheck(t *testing.T) {
	good := writeFiles(t, map[string]string{"g.rego": "package splicewatch.rules.g\n\nmetadata := {\"id\": \"G\", \"name\": \"g\", \"severity\": \"low\"}\nevents := {\"tee\"}\nfindings contains 1 if input.ret < 0\n"})
	bad := writeFiles(t, map[string]string{"b.rego": "package splicewatch.rules.b\n\nfindings contains 1 if {\n\tinput.x ==\n}\n"})
	if out, _, code := executeCmd(t, newRulesCmd(nil), "", "check", good); code != 0 || out != "1 rules ok\n" {
		t.Fatalf("good: exit %d, %q", code, out)
	}
	_, stderr, code := executeCmd(t, newRulesCmd(nil), "", "check", bad)
	if code != 2 || !strings.Contains(stderr, filepath.Join(bad, "b.rego")+":5:1:") {
		t.Fatalf("bad: exit %d, %q", code, stderr)
	}
	if _, _, code := executeCmd(t, newRulesCmd(nil), "", "check"); code != 0 {
		t.Fatalf("embedded pack: exit %d", code)
	}
}

func TestRulesTest(t *testing.T) {
	out, _, code := executeCmd(t, newRulesCmd(nil), "", "test", filepath.Join("..", "..", "rules"))
	if code != 0 || !strings.Contains(out, " passed, 0 failed") {
		t.Fatalf("shipped pack: exit %d\n%s", code, out)
	}
	if out, _, code := executeCmd(t, newRulesCmd(nil), "", "test"); code != 0 || !strings.Contains(out, " passed, 0 failed") {
		t.Fatalf("embedded pack: exit %d\n%s", code, out)
	}
	failing := writeFiles(t, map[string]string{"f_test.rego": "package f_test\n\nimport data.splicewatch.lib\n\ntest_ok if lib.errno.EPIPE == -32\ntest_bad if lib.errno.EPIPE == 32\n"})
	out, _, code = executeCmd(t, newRulesCmd(nil), "", "test", failing)
	if code != 1 || !strings.Contains(out, "FAIL: data.f_test.test_bad") || !strings.Contains(out, "1 passed, 1 failed") {
		t.Fatalf("failing: exit %d\n%s", code, out)
	}
	out, _, code = executeCmd(t, newRulesCmd(nil), "", "test", "-v", filepath.Join("..", "..", "docs", "examples", "native"))
	if code != 0 || !strings.Contains(out, "PASS: data.splicewatch.rules.example_gift_test.test_gift_found") {
		t.Fatalf("example: exit %d\n%s", code, out)
	}
}

// The SIGHUP path: a reload that does not compile fails with a located
// error and leaves the running detector as it was.
func TestReloadKeepsOldSetOnError(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.rego": "package splicewatch.rules.r\n\nmetadata := {\"id\": \"R\", \"name\": \"r\", \"severity\": \"low\"}\nevents := {\"tee\"}\nfindings contains 1 if input.ret < 0\n"})
	flags := ruleFlags{dirs: []string{dir}, noDefault: true}
	old, err := flags.Load(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.rego"), []byte("package splicewatch.rules.r\n\nfindings contains 1 if {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := flags.Load(context.Background(), nil); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "r.rego")+":") {
		t.Fatalf("reload error %v", err)
	}
	if got := old.Info(); len(got) != 1 || got[0].ID != "R" {
		t.Fatalf("old set changed: %+v", got)
	}
}
