package plugin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/splicewatch/splicewatch/engine"
)

// Load checks and starts every plugin in cfg.Dir and returns one Detector
// per plugin binary. ctx bounds the start-up only; the plugins run, and are
// restarted after faults, until each Detector is closed (engine.Close does
// that). A nil cfg or an empty Dir loads nothing.
//
// Load refuses, with an error naming the file, a folder or binary that fails
// the ownership and mode checks, a plugin missing from the allow list (unless
// cfg.AllowUnverified), a checksum mismatch, and a plugin that does not start.
func Load(ctx context.Context, cfg *Config, opts *Options) ([]engine.Detector, error) {
	if cfg == nil || cfg.Dir == "" {
		return nil, nil
	}
	c := cfg.withDefaults()
	o := opts.withDefaults()
	if err := checkPath(c.Dir, true); err != nil {
		return nil, err
	}
	allow, err := allowList(c.Allow)
	if err != nil {
		return nil, err
	}
	attr, err := procAttr(c.User)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("read plugin folder: %w", err)
	}
	m := newMetrics(o.Registerer)
	var dets []engine.Detector
	fail := func(err error) ([]engine.Detector, error) {
		for _, d := range dets {
			_ = d.(*Detector).Close()
		}
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(c.Dir, name)
		if err := checkPath(path, false); err != nil {
			return fail(err)
		}
		sum, ok := allow[name]
		if !ok && c.AllowUnverified {
			o.Logger.Warn("running a plugin that is not on the allow list", "plugin", name, "path", path)
		} else if !ok {
			return fail(fmt.Errorf("%s: add its sha256 to plugins.allow or pass --allow-unverified-plugins: %w", path, ErrNotAllowed))
		}
		d := newDetector(name, path, &c, &o, m, attr, sum)
		if err := d.startFirst(ctx); err != nil {
			return fail(err)
		}
		dets = append(dets, d)
	}
	return dets, nil
}

// allowList decodes the allow list into file name → checksum.
func allowList(entries []Allowed) (map[string][]byte, error) {
	out := make(map[string][]byte, len(entries))
	for i, a := range entries {
		if a.Name == "" || strings.ContainsRune(a.Name, filepath.Separator) {
			return nil, fmt.Errorf("plugins.allow[%d]: name %q must be a file name in the plugin folder", i, a.Name)
		}
		sum, err := hex.DecodeString(strings.TrimSpace(a.SHA256))
		if err != nil {
			return nil, fmt.Errorf("plugins.allow[%d] (%s): sha256: %w", i, a.Name, err)
		}
		if len(sum) != sha256.Size {
			return nil, fmt.Errorf("plugins.allow[%d] (%s): sha256 has %d bytes, want %d", i, a.Name, len(sum), sha256.Size)
		}
		if _, dup := out[a.Name]; dup {
			return nil, fmt.Errorf("plugins.allow[%d]: %s listed twice", i, a.Name)
		}
		out[a.Name] = sum
	}
	return out, nil
}

// startError turns go-plugin's start errors into ours.
func startError(path string, err error) error {
	if errors.Is(err, goplugin.ErrChecksumsDoNotMatch) {
		return fmt.Errorf("%s: %w", path, ErrChecksum)
	}
	return fmt.Errorf("start plugin %s: %w", path, err)
}
