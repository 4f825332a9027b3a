// Package testenv lets the kernel matrix's tests demand host tools: a missing
// tool skips the test on a developer's machine and fails it when CI is set.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTools skips t when one of tools is not on PATH, or fails it when
// the CI environment variable is set, so CI cannot pass by skipping.
func RequireTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing and CI is set (bash test/kernels/install-deps.sh): %v", tool, err)
			}
			t.Skipf("%s missing: run bash test/kernels/install-deps.sh", tool)
		}
	}
}
