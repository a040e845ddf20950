package serving

import (
	"net/http"
	"time"
)

// HTTPTimeouts bound how long a client of the HTTP API may hold a
// connection; zero fields take the defaults.
type HTTPTimeouts struct {
	// Read bounds reading a request, headers and body (default
	// DefaultReadTimeout); its headers alone have at most 10 s of it. A
	// score request whose body is not read in time is answered 408.
	Read time.Duration
	// Write bounds a request from the end of its headers to the end of
	// its answer, scoring included (default DefaultWriteTimeout).
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next
	// request (default DefaultIdleTimeout).
	Idle time.Duration
}

// The default HTTP timeouts. A request of DefaultMaxInputs names is read
// and scored in well under a second on two cores, so the write timeout
// leaves room for a loaded machine and for clients on slow links.
const (
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 60 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
	maxReadHeader       = 10 * time.Second
)

// server is an http.Server for h with the timeouts.
func (t HTTPTimeouts) server(h http.Handler) *http.Server {
	or := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	read := or(t.Read, DefaultReadTimeout)
	return &http.Server{Handler: h, ReadHeaderTimeout: min(read, maxReadHeader), ReadTimeout: read,
		WriteTimeout: or(t.Write, DefaultWriteTimeout), IdleTimeout: or(t.Idle, DefaultIdleTimeout)}
}
