package forward

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// elastic indexes ECS documents through the _bulk API. Each finding is a
// "create" with the finding id as _id, so a finding delivered twice is
// stored once: the second create gets 409, which counts as delivered.
type elastic struct {
	url      string
	index    string
	username string
	password string
	apiKey   string
	enc      encoder
	client   *http.Client
	now      func() time.Time
}

func newElastic(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (*elastic, error) {
	password, err := cfg.Password.Resolve()
	if err != nil {
		return nil, err
	}
	apiKey, err := cfg.APIKey.Resolve()
	if err != nil {
		return nil, err
	}
	client, err := newHTTPClient(cfg, log)
	if err != nil {
		return nil, err
	}
	enc, _ := newEncoder("ecs", env.version)
	u, _ := url.Parse(cfg.URL) // validated
	u.Path = strings.TrimSuffix(u.Path, "/") + "/_bulk"
	return &elastic{url: u.String(), index: cfg.Index, username: cfg.Username, password: password,
		apiKey: apiKey, enc: enc, client: client, now: env.now}, nil
}

// bulkResponse is the part of the _bulk reply we read.
type bulkResponse struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		Status int        `json:"status"`
		Error  *bulkError `json:"error"`
	} `json:"items"`
}

// bulkError is an item's error in a _bulk reply.
type bulkError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

func (e *elastic) send(ctx context.Context, batch []*item) error {
	var body bytes.Buffer
	errs := make(itemErrors, len(batch))
	sent := make([]int, 0, len(batch))
	for i, it := range batch {
		doc, err := e.enc(it)
		if err != nil {
			errs[i] = err
			continue
		}
		meta, _ := json.Marshal(map[string]any{"create": map[string]string{"_index": e.index, "_id": it.meta.ID}})
		body.Write(meta)
		body.WriteByte('\n')
		body.Write(doc)
		body.WriteByte('\n')
		sent = append(sent, i)
	}
	if len(sent) > 0 {
		e.bulk(ctx, body.Bytes(), sent, errs)
	}
	return errs.err()
}

func (e *elastic) bulk(ctx context.Context, body []byte, sent []int, errs itemErrors) {
	fail := func(err error) { errs.fill(sent, err) }
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		fail(permanent("build request: %s", err.Error()))
		return
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	switch {
	case e.apiKey != "":
		req.Header.Set("Authorization", "ApiKey "+e.apiKey)
	case e.username != "":
		req.SetBasicAuth(e.username, e.password)
	}
	resp, err := doHTTPBody(e.client, req, e.now)
	if err != nil {
		fail(err)
		return
	}
	var br bulkResponse
	if err := json.Unmarshal(resp, &br); err != nil || len(br.Items) != len(sent) {
		fail(errString("elasticsearch _bulk: unreadable response"))
		return
	}
	for k, i := range sent {
		for _, r := range br.Items[k] {
			errs[i] = bulkItemError(r.Status, r.Error)
		}
	}
}

// bulkItemError classifies one _bulk item: 2xx and 409 (already stored)
// are delivered, 429 and 5xx are retried, other 4xx are permanent.
func bulkItemError(status int, e *bulkError) error {
	reason := ""
	if e != nil {
		reason = e.Type + ": " + e.Reason
	}
	switch {
	case status/100 == 2, status == http.StatusConflict:
		return nil
	case status == http.StatusTooManyRequests, status >= 500:
		return errString("elasticsearch item status " + http.StatusText(status) + ": " + reason)
	}
	return permanent("elasticsearch item status %d: %s", status, reason)
}

func (e *elastic) close() error {
	e.client.CloseIdleConnections()
	return nil
}
