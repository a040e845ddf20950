package registry

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Listen opens a dedicated connection that LISTENs on channel and sends each
// notification's payload on the returned channel (buffered; when the reader
// is behind, extra wake-ups are dropped, never blocked on). The channel is
// closed when the connection fails or stop is called; callers then poll.
func (db *DB) Listen(ctx context.Context, channel string) (<-chan string, func(), error) {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", channel, err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, nil, fmt.Errorf("listen on %s: %w", channel, err)
	}
	lctx, cancel := context.WithCancel(context.Background())
	out := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		defer conn.Close(context.Background())
		for {
			n, err := conn.WaitForNotification(lctx)
			if err != nil {
				return
			}
			select {
			case out <- n.Payload:
			default:
			}
		}
	}()
	stop := func() {
		cancel()
		<-done
	}
	return out, stop, nil
}
