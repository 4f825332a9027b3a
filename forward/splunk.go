package forward

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// splunk sends batches to a Splunk HTTP Event Collector. With Ack set, a
// batch counts as delivered only when the indexer acknowledges its ackId.
type splunk struct {
	eventURL, ackURL string
	token            string
	index            string
	sourcetype       string
	ack              bool
	channel          string
	client           *http.Client
	now              func() time.Time
	timeout          time.Duration
}

// hecResponse is HEC's reply to an event or ack request.
type hecResponse struct {
	Text               string          `json:"text"`
	Code               int             `json:"code"`
	AckID              *int64          `json:"ackId"`
	InvalidEventNumber *int            `json:"invalid-event-number"`
	Acks               map[string]bool `json:"acks"`
}

// hecEnvelope is a HEC event's metadata; the finding goes in "event".
type hecEnvelope struct {
	Time       float64 `json:"time"`
	Host       string  `json:"host,omitempty"`
	Source     string  `json:"source"`
	Sourcetype string  `json:"sourcetype"`
	Index      string  `json:"index,omitempty"`
}

func newSplunk(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (*splunk, error) {
	token, err := cfg.Token.Resolve()
	if err != nil {
		return nil, err
	}
	client, err := newHTTPClient(cfg, log)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.URL) // validated
	if u.Path == "" || u.Path == "/" {
		u.Path = "/services/collector/event"
	}
	ack := *u
	ack.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/event"), "/raw") + "/ack"
	st := cfg.Sourcetype
	if st == "" {
		st = "splicewatch:finding"
	}
	return &splunk{
		eventURL: u.String(), ackURL: ack.String(), token: token, index: cfg.Index, sourcetype: st,
		ack: cfg.Ack, channel: newChannelID(), client: client, now: env.now, timeout: cfg.Timeout,
	}, nil
}

// newChannelID returns a random UUID (version 4), the form HEC requires
// for X-Splunk-Request-Channel.
func newChannelID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *splunk) request(ctx context.Context, u string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, permanent("build request: %s", err.Error())
	}
	req.Header.Set("Authorization", "Splunk "+s.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Splunk-Request-Channel", s.channel)
	return req, nil
}

func (s *splunk) send(ctx context.Context, batch []*item) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout) // includes waiting for the ack
	defer cancel()
	var body []byte
	errs := make(itemErrors, len(batch))
	sent := make([]int, 0, len(batch)) // batch index of each event in body
	for i, it := range batch {
		m := it.meta
		head, err := json.Marshal(hecEnvelope{float64(m.Time.UnixMicro()) / 1e6, m.Host, "splicewatch", s.sourcetype, s.index})
		if err != nil {
			errs[i] = permanent("encode HEC event: %s", err.Error())
			continue
		}
		// {"time":...,"index":...} + ,"event":<finding JSON>}
		body = append(body, head[:len(head)-1]...)
		body = append(body, `,"event":`...)
		body = append(append(body, it.raw...), '}')
		sent = append(sent, i)
	}
	if len(sent) > 0 {
		s.post(ctx, body, sent, errs)
	}
	return errs.err()
}

// post sends the events and records the outcome of each in errs.
func (s *splunk) post(ctx context.Context, body []byte, sent []int, errs itemErrors) {
	fail := func(err error) { errs.fill(sent, err) }
	req, err := s.request(ctx, s.eventURL, body)
	if err != nil {
		fail(err)
		return
	}
	resp, err := doHTTPBody(s.client, req, s.now)
	if err != nil {
		var hr hecResponse
		if isPermanent(err) && json.Unmarshal(resp, &hr) == nil && hecConfigCodes[hr.Code] {
			// The token, index or channel is wrong: an operator can fix
			// that, so keep the findings and retry.
			err = fmt.Errorf("splunk HEC code %d: %s", hr.Code, hr.Text)
		}
		if isPermanent(err) && hr.InvalidEventNumber != nil && *hr.InvalidEventNumber >= 0 {
			// HEC indexed the events before the bad one and stopped there.
			n := *hr.InvalidEventNumber
			for k, i := range sent {
				switch {
				case k == n:
					errs[i] = permanent("splunk HEC code %d: %s", hr.Code, hr.Text)
				case k > n:
					errs[i] = errNotAttempted
				}
			}
			return
		}
		fail(err)
		return
	}
	if !s.ack {
		return
	}
	var hr hecResponse
	if err := json.Unmarshal(resp, &hr); err != nil || hr.AckID == nil {
		fail(errors.New("splunk HEC: indexer acknowledgement is on but the response has no ackId (enable it on the token)"))
		return
	}
	if err := s.waitAck(ctx, *hr.AckID); err != nil {
		fail(err)
	}
}

// hecConfigCodes are HEC status codes that a 400 carries for a setup
// problem rather than a bad event: token, index, channel or ack settings.
var hecConfigCodes = map[int]bool{2: true, 3: true, 4: true, 7: true, 10: true, 11: true, 14: true}

// waitAck polls the ack endpoint until the indexer confirms id.
func (s *splunk) waitAck(ctx context.Context, id int64) error {
	body := []byte(`{"acks":[` + strconv.FormatInt(id, 10) + `]}`)
	wait := 50 * time.Millisecond
	for {
		req, err := s.request(ctx, s.ackURL, body)
		if err != nil {
			return err
		}
		resp, err := doHTTPBody(s.client, req, s.now)
		if err != nil {
			return fmt.Errorf("splunk HEC ack: %w", err)
		}
		var hr hecResponse
		if err := json.Unmarshal(resp, &hr); err != nil {
			return fmt.Errorf("splunk HEC ack response: %w", err)
		}
		if hr.Acks[strconv.FormatInt(id, 10)] {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("splunk HEC ack %d not confirmed: %w", id, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

func (s *splunk) close() error {
	s.client.CloseIdleConnections()
	return nil
}
