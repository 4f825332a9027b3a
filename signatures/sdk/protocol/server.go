package protocol

import (
	"context"
	"errors"
	"io"
)

// server is the plugin-side shim: it hands gRPC requests to the Evaluator.
type server struct {
	UnimplementedSignaturesServer
	impl Evaluator
}

func (s *server) Describe(ctx context.Context, _ *DescribeRequest) (*DescribeResponse, error) {
	sigs, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, err
	}
	return &DescribeResponse{Signatures: sigs}, nil
}

// Evaluate answers batches in the order they arrive, until the host closes
// its side of the stream or cancels it.
func (s *server) Evaluate(stream Signatures_EvaluateServer) error {
	ctx := stream.Context()
	for {
		batch, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err := s.impl.Evaluate(ctx, batch)
		if err != nil {
			return err
		}
		out.Seq = batch.GetSeq()
		if err := stream.Send(out); err != nil {
			return err
		}
	}
}

func (s *server) Close(ctx context.Context, _ *CloseRequest) (*CloseResponse, error) {
	if err := s.impl.Close(ctx); err != nil {
		return &CloseResponse{Errors: []string{err.Error()}}, nil
	}
	return &CloseResponse{}, nil
}
