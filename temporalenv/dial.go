package temporalenv

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

// Dial connects to the frontend c describes and checks that it answers
// (the SDK asks for its system info), logging through logger. The error
// names the address, namespace and how the connection authenticates and,
// when the TLS handshake is what failed, what the server said and which
// setting to change.
func (c Config) Dial(ctx context.Context, logger log.Logger) (client.Client, error) {
	return c.DialWith(ctx, client.Options{Logger: logger})
}

// DialWith is Dial with with's logger and metrics handler (the worker's
// Prometheus handler) on the resolved connection's options.
func (c Config) DialWith(ctx context.Context, with client.Options) (client.Client, error) {
	opts := c.Options
	opts.Logger, opts.MetricsHandler = with.Logger, with.MetricsHandler
	tc, err := client.DialContext(ctx, opts)
	if err != nil {
		if why := c.diagnose(ctx); why != "" {
			return nil, fmt.Errorf("connect to Temporal at %s: %s (gRPC: %w)", c, why, err)
		}
		if !c.TLS {
			return nil, fmt.Errorf("connect to Temporal at %s: %w (is it running? `make up` starts a dev server)", c, err)
		}
		return nil, fmt.Errorf("connect to Temporal at %s: %w", c, err)
	}
	return tc, nil
}
