package protocol

import (
	"context"
	"errors"
	"fmt"
)

// Client is the host-side shim: it turns calls into gRPC requests to the
// plugin process.
type Client struct {
	stub SignaturesClient
}

// Describe asks the plugin for its signatures.
func (c *Client) Describe(ctx context.Context) ([]*SignatureInfo, error) {
	resp, err := c.stub.Describe(ctx, &DescribeRequest{})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	return resp.GetSignatures(), nil
}

// Stream opens the event stream. The caller sends EventBatch messages and
// receives one FindingBatch per batch, in order. Cancelling ctx ends it.
func (c *Client) Stream(ctx context.Context) (Signatures_EvaluateClient, error) {
	s, err := c.stub.Evaluate(ctx)
	if err != nil {
		return nil, fmt.Errorf("open event stream: %w", err)
	}
	return s, nil
}

// Close asks the plugin to release its signatures' resources.
func (c *Client) Close(ctx context.Context) error {
	resp, err := c.stub.Close(ctx, &CloseRequest{})
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if errs := resp.GetErrors(); len(errs) > 0 {
		return fmt.Errorf("close: %w", errors.New(fmt.Sprint(errs)))
	}
	return nil
}
