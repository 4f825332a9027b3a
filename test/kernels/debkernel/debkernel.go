package debkernel

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Kernel is a kernel image extracted from a Debian package.
type Kernel struct {
	// Package and Version name the Debian package, e.g.
	// linux-image-6.1.0-56-amd64 and 6.1.192-2.
	Package, Version string
	// Vmlinuz is the bootable image, Config the kernel's build config.
	Vmlinuz, Config string
}

var (
	// validPackage is Debian's package name syntax.
	validPackage = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	// imagePackage matches a kernel image package (not -dbg or -unsigned
	// variants, which apt-cache depends lists in other relations).
	imagePackage = regexp.MustCompile(`^linux-image-[0-9][a-z0-9.+-]*$`)
)

// DefaultCacheDir is $XDG_CACHE_HOME/splicewatch/kernels, or
// ~/.cache/splicewatch/kernels.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("kernel cache: %w", err)
	}
	return filepath.Join(dir, "splicewatch", "kernels"), nil
}

// Resolve follows meta packages such as linux-image-amd64 or
// linux-image-6.12-amd64 to the kernel image package they depend on. A
// package without a linux-image-* dependency is returned as is.
func Resolve(ctx context.Context, pkg string) (string, error) {
	if !validPackage.MatchString(pkg) {
		return "", fmt.Errorf("resolve %q: not a Debian package name", pkg)
	}
	name := pkg
	for range 4 {
		dep, err := imageDependency(ctx, name)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", pkg, err)
		}
		if dep == "" {
			return name, nil
		}
		name = dep
	}
	return "", fmt.Errorf("resolve %s: more than 4 levels of meta packages", pkg)
}

// imageDependency returns the linux-image-* package pkg depends on, or "".
func imageDependency(ctx context.Context, pkg string) (string, error) {
	out, err := run(ctx, "", "apt-cache", "depends", pkg)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		dep, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Depends: ")
		if ok && imagePackage.MatchString(dep) {
			return dep, nil
		}
	}
	return "", nil
}

// candidateVersion asks apt which version of pkg it would download.
func candidateVersion(ctx context.Context, pkg string) (string, error) {
	out, err := run(ctx, "", "apt-cache", "show", "--no-all-versions", pkg)
	if err != nil {
		return "", fmt.Errorf("version of %s: %w", pkg, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("version of %s: apt-cache show printed no Version", pkg)
}

// Fetch returns pkg's kernel from cacheDir, downloading the package with
// apt-get download and extracting /boot from it on first use.
func Fetch(ctx context.Context, pkg, cacheDir string) (*Kernel, error) {
	pkg, err := Resolve(ctx, pkg)
	if err != nil {
		return nil, err
	}
	version, err := candidateVersion(ctx, pkg)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cacheDir, pkg+"_"+strings.ReplaceAll(version, ":", "%3a"))
	k := &Kernel{Package: pkg, Version: version,
		Vmlinuz: filepath.Join(dir, "vmlinuz"), Config: filepath.Join(dir, "config")}
	if _, err := os.Stat(k.Vmlinuz); err == nil {
		return k, nil
	}

	tmp, err := os.MkdirTemp(cacheDir, ".fetch-")
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(cacheDir, 0o755); err == nil {
			tmp, err = os.MkdirTemp(cacheDir, ".fetch-")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("kernel cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if _, err := run(ctx, tmp, "apt-get", "download", "-q", pkg+"="+version); err != nil {
		return nil, fmt.Errorf("download %s: %w", pkg, err)
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return nil, fmt.Errorf("download %s: expected one .deb, found %d", pkg, len(debs))
	}
	if err := extractBoot(ctx, debs[0], tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(k.Vmlinuz); serr == nil {
			return k, nil // another fetch won the race
		}
		return nil, fmt.Errorf("kernel cache: %w", err)
	}
	return k, nil
}

// extractBoot writes the package's vmlinuz-* and config-* from /boot to
// dir/vmlinuz and dir/config, reading the data archive through dpkg-deb.
func extractBoot(ctx context.Context, deb, dir string) error {
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--fsys-tarfile", deb)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("dpkg-deb: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dpkg-deb: %w", err)
	}
	found := map[string]bool{}
	tr := tar.NewReader(stdout)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return fmt.Errorf("read %s: %w", deb, err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		var dst string
		switch {
		case h.Typeflag != tar.TypeReg:
			continue
		case strings.HasPrefix(name, "boot/vmlinuz-"):
			dst = "vmlinuz"
		case strings.HasPrefix(name, "boot/config-"):
			dst = "config"
		default:
			continue
		}
		if err := writeFile(filepath.Join(dir, dst), io.LimitReader(tr, 256<<20)); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return err
		}
		found[dst] = true
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("dpkg-deb --fsys-tarfile %s: %w: %s", deb, err, strings.TrimSpace(stderr.String()))
	}
	if !found["vmlinuz"] || !found["config"] {
		return fmt.Errorf("%s has no /boot/vmlinuz-* and /boot/config-*", deb)
	}
	return nil
}

func writeFile(path string, r io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("kernel cache: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("kernel cache %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("kernel cache %s: %w", path, err)
	}
	return nil
}

// run runs a command in dir and returns its standard output, or an error
// carrying its standard error.
func run(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
