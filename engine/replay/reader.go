package replay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/splicewatch/splicewatch/event"
)

// Format names an input format.
type Format string

// Input formats.
const (
	FormatSplicewatch Format = "splicewatch"
	FormatTracee      Format = "tracee"
)

// ErrUnknownFormat is returned by ParseFormat for a name it does not know.
var ErrUnknownFormat = errors.New("unknown input format")

// ParseFormat checks a format name given on the command line.
func ParseFormat(name string) (Format, error) {
	switch f := Format(name); f {
	case FormatSplicewatch, FormatTracee:
		return f, nil
	}
	return "", fmt.Errorf("%w %q (want %s or %s)", ErrUnknownFormat, name, FormatSplicewatch, FormatTracee)
}

// MaxLineSize bounds one input line; a longer line is rejected.
const MaxLineSize = 1 << 20

// LineError is a line that could not be decoded.
type LineError struct {
	Line int
	Err  error
}

// Error names the line.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Err) }

// Unwrap returns the decoding error.
func (e *LineError) Unwrap() error { return e.Err }

// Reader decodes events from JSON lines.
type Reader struct {
	br     *bufio.Reader
	decode func([]byte) (*event.Event, error)
	line   int
	bytes  int64
}

// NewReader returns a reader of events in format f.
func NewReader(r io.Reader, f Format) *Reader {
	dec := event.DecodeEvent
	if f == FormatTracee {
		dec = DecodeTracee
	}
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), decode: dec}
}

// Next returns the next event. At the end of input it returns io.EOF. A
// line that does not decode gives a *LineError; the next call goes on with
// the following line. Blank lines are skipped.
func (r *Reader) Next() (*event.Event, error) {
	line, err := r.NextLine()
	if err != nil {
		return nil, err
	}
	return r.Decode(line)
}

// Line is one raw input line and its number.
type Line struct {
	Number int
	Data   []byte
}

// NextLine returns the next non-blank line without decoding it, so that
// callers can decode lines in parallel with Decode. An overlong line gives
// a *LineError; at the end of input NextLine returns io.EOF.
func (r *Reader) NextLine() (Line, error) {
	for {
		data, tooLong, err := r.readLine()
		if err != nil {
			return Line{}, err
		}
		r.line++
		if tooLong {
			return Line{}, &LineError{Line: r.line, Err: fmt.Errorf("line longer than %d bytes", MaxLineSize)}
		}
		data = bytes.TrimSpace(data)
		if len(data) > 0 {
			return Line{Number: r.line, Data: data}, nil
		}
	}
}

// Decode decodes one line in the reader's format; it is safe to call
// from several goroutines.
func (r *Reader) Decode(l Line) (*event.Event, error) {
	ev, err := r.decode(l.Data)
	if err != nil {
		return nil, &LineError{Line: l.Number, Err: err}
	}
	return ev, nil
}

// Line is the number of the line last read.
func (r *Reader) Line() int { return r.line }

// BytesRead is how much input has been consumed.
func (r *Reader) BytesRead() int64 { return r.bytes }

// readLine reads one line, discarding the rest of one over MaxLineSize.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.bytes += int64(len(chunk))
		if len(buf)+len(chunk) > MaxLineSize {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		switch {
		case err == nil:
			return buf, tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return buf, tooLong, nil
		default:
			return nil, false, fmt.Errorf("read events: %w", err)
		}
	}
}
