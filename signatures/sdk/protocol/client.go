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
	// plugin is go-plugin's context, done when the process exits.
	plugin context.Context
}

// bind returns ctx, also cancelled when the plugin process exits, so that
// no call waits on a dead plugin.
func (c *Client) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.plugin, cancel)
	return ctx, func() { stop(); cancel() }
}

// Describe asks the plugin for its signatures.
func (c *Client) Describe(ctx context.Context) ([]*SignatureInfo, error) {
	ctx, cancel := c.bind(ctx)
	defer cancel()
	resp, err := c.stub.Describe(ctx, &DescribeRequest{})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	return resp.GetSignatures(), nil
}

// Stream opens the event stream. The caller sends EventBatch messages and
// receives one FindingBatch per batch, in order. Cancelling ctx, or the
// plugin process exiting, ends it.
func (c *Client) Stream(ctx context.Context) (Signatures_EvaluateClient, error) {
	ctx, _ = c.bind(ctx) // released when ctx ends or the process exits
	s, err := c.stub.Evaluate(ctx)
	if err != nil {
		return nil, fmt.Errorf("open event stream: %w", err)
	}
	return s, nil
}

// Close asks the plugin to release its signatures' resources.
func (c *Client) Close(ctx context.Context) error {
	ctx, cancel := c.bind(ctx)
	defer cancel()
	resp, err := c.stub.Close(ctx, &CloseRequest{})
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if errs := resp.GetErrors(); len(errs) > 0 {
		return fmt.Errorf("close: %w", errors.New(fmt.Sprint(errs)))
	}
	return nil
}
