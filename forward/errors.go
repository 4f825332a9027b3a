package forward

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// permanentError marks a rejection that retrying cannot fix, such as an
// HTTP 400: the finding goes to the dead-letter file.
type permanentError struct{ reason string }

func (e *permanentError) Error() string { return "rejected: " + e.reason }

func permanent(format string, args ...any) error {
	return &permanentError{reason: fmt.Sprintf(format, args...)}
}

// retryAfterError is a transient failure with the receiver's requested wait.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// itemErrors reports one outcome per finding of a batch (nil: delivered),
// for receivers that judge items separately, like Elasticsearch's _bulk.
type itemErrors []error

func (e itemErrors) Error() string {
	n := 0
	for _, err := range e {
		if err != nil {
			n++
		}
	}
	return fmt.Sprintf("%d of %d items failed", n, len(e))
}

// err returns e, or nil when every item was delivered.
func (e itemErrors) err() error {
	for _, err := range e {
		if err != nil {
			return e
		}
	}
	return nil
}

// fill sets the outcome of the items at idx.
func (e itemErrors) fill(idx []int, err error) {
	for _, i := range idx {
		e[i] = err
	}
}

// errNotAttempted marks batch items a receiver did not get to because an
// earlier item failed; they stay queued and go out with the next attempt.
var errNotAttempted = errors.New("not attempted")

// isPermanent reports whether err is a permanent rejection.
func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// httpStatusError classifies an HTTP response status. 400, 413, 415 and 422
// say the payload itself is wrong and are permanent; everything else (5xx,
// 429, 408, and also 401/403/404, which are configuration problems an
// operator can fix) is retried so that nothing is lost.
func httpStatusError(resp *http.Response, body []byte, now time.Time) error {
	reason := fmt.Sprintf("HTTP %d: %s", resp.StatusCode, truncate(body, 512))
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return permanent("%s", reason)
	}
	err := errors.New(reason)
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		return &retryAfterError{err: err, after: d}
	}
	return err
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
