package forward

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// SignatureHeader carries the webhook body's HMAC-SHA256, as
// "sha256=<hex>", when the output has a secret.
const SignatureHeader = "X-Splicewatch-Signature"

// FindingIDHeader carries the finding id, for receivers that de-duplicate.
const FindingIDHeader = "X-Splicewatch-Finding-Id"

// webhook POSTs one finding per request.
type webhook struct {
	url     string
	headers map[string]string
	secret  []byte
	enc     encoder
	client  *http.Client
	now     func() time.Time
}

func newWebhook(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (*webhook, error) {
	secret, err := cfg.Secret.Resolve()
	if err != nil {
		return nil, err
	}
	enc, err := newEncoder(cfg.Format, env.version)
	if err != nil {
		return nil, err
	}
	client, err := newHTTPClient(cfg, log)
	if err != nil {
		return nil, err
	}
	return &webhook{url: cfg.URL, headers: cfg.Headers, secret: []byte(secret), enc: enc, client: client, now: env.now}, nil
}

// Sign returns the signature header value for body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// send posts items in order. A transient failure stops the batch (the rest
// is retried later); a permanent rejection affects only its item.
func (w *webhook) send(ctx context.Context, batch []*item) error {
	errs := make(itemErrors, len(batch))
	for i, it := range batch {
		err := w.post(ctx, it)
		errs[i] = err
		if err != nil && !isPermanent(err) {
			for j := i + 1; j < len(batch); j++ {
				errs[j] = err
			}
			break
		}
	}
	return errs.err()
}

func (w *webhook) post(ctx context.Context, it *item) error {
	body, err := w.enc(it)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return permanent("build request: %s", err.Error())
	}
	for k, v := range w.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "splicewatch")
	req.Header.Set(FindingIDHeader, it.meta.ID)
	if len(w.secret) > 0 {
		req.Header.Set(SignatureHeader, Sign(w.secret, body))
	}
	return doHTTP(w.client, req, w.now)
}

// doHTTP runs req and classifies the response.
func doHTTP(client *http.Client, req *http.Request, now func() time.Time) error {
	_, err := doHTTPBody(client, req, now)
	return err
}

// doHTTPBody runs req and returns the response body, also with the
// classified error of a non-2xx status.
func doHTTPBody(client *http.Client, req *http.Request, now func() time.Time) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post to %s: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return body, httpStatusError(resp, body, now())
	}
	return body, nil
}

func (w *webhook) close() error {
	w.client.CloseIdleConnections()
	return nil
}
