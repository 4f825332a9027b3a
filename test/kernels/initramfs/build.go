package initramfs

import (
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Spec describes an initramfs.
type Spec struct {
	// Busybox is a static busybox; "" means /bin/busybox (busybox-static).
	Busybox string
	// Binary is the static executable to run; it is placed in /work.
	Binary string
	// Files are copied into /work: each maps a host file or directory to a
	// path relative to /work.
	Files map[string]string
	// Token and Runs are passed to [Script].
	Token string
	Runs  []Run
	// NoCompress writes a plain cpio archive instead of a gzip one.
	NoCompress bool
}

// CheckStatic returns an error unless path is a statically linked x86-64 ELF
// executable, which is all the initramfs can run.
func CheckStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("%s is built for %s, not x86-64", path, f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked: build it with CGO_ENABLED=0", path)
		}
	}
	return nil
}

// Build writes the initramfs described by spec to out. It needs the cpio
// program.
func Build(ctx context.Context, spec *Spec, out string) error {
	busybox := spec.Busybox
	if busybox == "" {
		busybox = "/bin/busybox"
	}
	for _, p := range []string{busybox, spec.Binary} {
		if err := CheckStatic(p); err != nil {
			return fmt.Errorf("initramfs: %w", err)
		}
	}
	stage, err := os.MkdirTemp("", "splicewatch-initramfs-")
	if err != nil {
		return fmt.Errorf("initramfs staging: %w", err)
	}
	defer os.RemoveAll(stage)

	guestBin := "/work/" + filepath.Base(spec.Binary)
	init, err := Script(guestBin, spec.Token, spec.Runs)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	for _, d := range []string{"bin", "work", "proc", "sys", "dev", "tmp", "run", "root"} {
		if err := os.Mkdir(filepath.Join(stage, d), 0o755); err != nil {
			return fmt.Errorf("initramfs staging: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(stage, "init"), []byte(init), 0o755); err != nil {
		return fmt.Errorf("initramfs /init: %w", err)
	}
	if err := copyFile(busybox, filepath.Join(stage, "bin", "busybox"), 0o755); err != nil {
		return err
	}
	if err := copyFile(spec.Binary, filepath.Join(stage, guestBin), 0o755); err != nil {
		return err
	}
	for src, dst := range spec.Files {
		if err := copyInto(src, filepath.Join(stage, "work"), dst); err != nil {
			return err
		}
	}
	return archive(ctx, stage, out, !spec.NoCompress)
}

// copyInto copies the file or directory src to root/dst, refusing a dst
// that leaves root.
func copyInto(src, root, dst string) error {
	if !filepath.IsLocal(dst) {
		return fmt.Errorf("initramfs file %s: destination %q is not a path inside /work", src, dst)
	}
	target := filepath.Join(root, dst)
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("initramfs file: %w", err)
	}
	if fi.IsDir() {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("initramfs file %s: %w", src, err)
		}
		if err := os.CopyFS(target, os.DirFS(src)); err != nil {
			return fmt.Errorf("initramfs file %s: %w", src, err)
		}
		return nil
	}
	return copyFile(src, target, fi.Mode().Perm())
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("initramfs copy: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("initramfs copy: %w", err)
	}
	o, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("initramfs copy: %w", err)
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return fmt.Errorf("initramfs copy %s: %w", src, err)
	}
	if err := o.Close(); err != nil {
		return fmt.Errorf("initramfs copy %s: %w", src, err)
	}
	return nil
}

// archive packs dir as a newc cpio archive, owned by root, into out.
func archive(ctx context.Context, dir, out string, compress bool) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(dir, p); rel != "." {
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("initramfs walk: %w", err)
	}
	sort.Strings(names)

	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	defer f.Close()
	var w io.Writer = f
	var zw *gzip.Writer
	if compress {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		w = zw
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "cpio", "--create", "--format=newc", "--owner=0:0", "--quiet")
	cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = dir, strings.NewReader(strings.Join(names, "\n")+"\n"), w, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("cpio: %w: %s", err, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("cpio (apt-get install cpio): %w", err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("initramfs gzip: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	return nil
}
