package forward

import (
	"log/slog"
	"net/http"
	"time"
)

// newSender builds the sender of a network output and the batch size its
// delivery loop uses.
func newSender(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (sender, int, error) {
	batch := func(def int) int {
		if cfg.BatchSize > 0 {
			return cfg.BatchSize
		}
		return def
	}
	switch cfg.Type {
	case TypeWebhook, TypeOCSF:
		s, err := newWebhook(cfg, env, log)
		return s, batch(100), err
	case TypeSyslog:
		s, err := newSyslog(cfg, env, log)
		return s, batch(200), err
	case TypeSplunk:
		s, err := newSplunk(cfg, env, log)
		return s, batch(200), err
	case TypeElasticsearch:
		s, err := newElastic(cfg, env, log)
		return s, batch(500), err
	case TypeKafka:
		s, err := newKafka(cfg, env, log)
		return s, batch(500), err
	}
	return nil, 0, errString("no sender for type " + cfg.Type)
}

// newHTTPClient returns a client with verified TLS for one output.
func newHTTPClient(cfg *OutputConfig, log *slog.Logger) (*http.Client, error) {
	tlsCfg, err := clientTLS(cfg.TLS, cfg.Name, log)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tlsCfg,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{Transport: tr, Timeout: cfg.Timeout}, nil
}
