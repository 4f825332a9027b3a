package forward

import "log/slog"

func newSplunk(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (sender, error) {
	return nil, errString("todo")
}
func newElastic(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (sender, error) {
	return nil, errString("todo")
}
func newKafka(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (sender, error) {
	return nil, errString("todo")
}
