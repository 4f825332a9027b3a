package debkernel

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckBuiltIn(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	body := "# comment\nCONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=\"x\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		want    []string
		wantErr string
	}{
		{[]string{"CONFIG_A"}, ""},
		{[]string{"CONFIG_A", "CONFIG_B"}, "CONFIG_B=m"},
		{[]string{"CONFIG_C"}, "CONFIG_C unset"},
		{[]string{"CONFIG_D"}, `CONFIG_D="x"`},
	}
	for _, tt := range tests {
		err := CheckBuiltIn(cfg, tt.want)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("CheckBuiltIn(%v) = %v, want error containing %q", tt.want, err, tt.wantErr)
		}
	}
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{"", "-o=APT::x", "linux image", "../x"} {
		if _, err := Resolve(ctx, bad); err == nil {
			t.Errorf("Resolve(%q) accepted it", bad)
		}
	}
	if _, err := exec.LookPath("apt-cache"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("apt-cache missing and CI is set")
		}
		t.Skip("apt-cache missing: not a Debian host")
	}
	got, err := Resolve(ctx, "linux-image-amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "linux-image-") || !strings.HasSuffix(got, "-amd64") || got == "linux-image-amd64" {
		t.Errorf("linux-image-amd64 resolved to %q", got)
	}
	again, err := Resolve(ctx, got)
	if err != nil || again != got {
		t.Errorf("the image package %s resolved to %q, %v", got, again, err)
	}
}
