package engine

import (
	"context"
	"errors"
	"fmt"
)

// Flusher is implemented by detectors that evaluate asynchronously, such as
// out-of-process plugins: their findings may arrive after Evaluate returned.
type Flusher interface {
	// Flush waits until every event given to Evaluate so far has been
	// evaluated and its findings emitted, or ctx is done.
	Flush(ctx context.Context) error
}

// Flush waits until every asynchronous detector has answered the events it
// was given. Call it before reading results, e.g. at the end of a replay.
func (e *Engine) Flush(ctx context.Context) error {
	var errs []error
	for _, d := range e.Detectors() {
		if f, ok := d.(Flusher); ok {
			if err := f.Flush(ctx); err != nil {
				errs = append(errs, fmt.Errorf("flush detector %s: %w", d.Name(), err))
			}
		}
	}
	return errors.Join(errs...)
}
