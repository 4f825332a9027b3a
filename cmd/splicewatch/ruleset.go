package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/engine/rego"
)

// ruleSet is the Rego rule set of a running sensor: loaded at start and
// again on SIGHUP.
type ruleSet struct {
	cfg *rulesConfig
	env *ruleEnv
}

func (r *ruleSet) load(ctx context.Context) (*rego.Detector, error) {
	f := ruleFlags{dirs: r.cfg.Dirs, noDefault: r.cfg.NoDefault}
	return f.Load(ctx, r.env)
}

// reloadOnHUP reloads the rules on every SIGHUP until ctx is done. A set
// that fails to compile is logged and the running set stays.
func (r *ruleSet) reloadOnHUP(ctx context.Context, eng *engine.Engine, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			det, err := r.load(ctx)
			if err != nil {
				log.Error("reload rules: keeping the running set", "error", err)
				continue
			}
			eng.Replace(det)
			log.Info("rules reloaded", "rules", len(det.Rules()))
		}
	}
}
