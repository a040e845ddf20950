package temporalenv

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

// Dial connects to the frontend c describes and checks that it answers
// (the SDK asks for its system info), logging through logger. The error
// names the address, namespace and how the connection authenticates.
func (c Config) Dial(ctx context.Context, logger log.Logger) (client.Client, error) {
	opts := c.Options
	opts.Logger = logger
	tc, err := client.DialContext(ctx, opts)
	if err != nil {
		hint := ""
		if !c.TLS {
			hint = " (is it running? `make up` starts a dev server)"
		}
		return nil, fmt.Errorf("connect to Temporal at %s: %w%s", c, err, hint)
	}
	return tc, nil
}
