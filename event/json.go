package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decodeExact decodes one JSON value from b, keeping numbers as json.Number
// and rejecting trailing data.
func decodeExact(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// DecodeEvent parses one event from its JSON encoding. Integers stay exact.
// It rejects an event without a name, since no signature could select it.
func DecodeEvent(b []byte) (*Event, error) {
	var ev Event
	if err := decodeExact(b, &ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	if ev.Name == "" {
		return nil, errors.New("decode event: missing \"name\"")
	}
	if ev.Args == nil {
		ev.Args = Args{}
	}
	return &ev, nil
}
