package temporalenv

import (
	"os"
	"strings"
)

// DevEnviron returns environ (as os.Environ gives it) with every TEMPORAL_*
// variable removed and, in their place, those that point a child mlctl at
// a plain dev server at addr in namespace ns and read no profile file. Test
// and benchmark harnesses that start their own dev server use it, so that
// an operator's profile or TLS settings on the machine cannot leak in.
func DevEnviron(environ []string, addr, ns string) []string {
	out := make([]string, 0, len(environ)+3)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			out = append(out, kv)
		}
	}
	return append(out, "TEMPORAL_CONFIG_FILE="+os.DevNull, "TEMPORAL_ADDRESS="+addr, "TEMPORAL_NAMESPACE="+ns)
}
