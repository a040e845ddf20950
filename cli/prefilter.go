package cli

import (
	"fmt"
	"io"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/features/prefilter"
)

// prefilterFlags are the flags that configure the prefilter (`score`,
// `serve`): the built-in rules always apply.
func prefilterFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: "internal-suffix", Usage: "a suffix of the site's own names (e.g. corp.example.org): names at or under it are prefiltered, never scored as DGA (repeatable)"},
		&ucli.StringFlag{Name: "allowlist", Usage: "file of registrable domains (one a line, # comments): names at or under them are prefiltered, never scored as DGA"},
	}
}

// prefilterOf builds the prefilter the flags configure; a bad suffix or
// allowlist line is a usage error.
func prefilterOf(c *ucli.Context, cmd string) (*prefilter.Prefilter, error) {
	p, err := prefilter.New(prefilter.Options{InternalSuffixes: c.StringSlice("internal-suffix"), AllowlistFile: c.String("allowlist")})
	if err != nil {
		return nil, usagef("%s: %v", cmd, err)
	}
	return p, nil
}

// printPrefiltered writes one line with the names left out of total, by
// reason, or nothing when none was.
func printPrefiltered(w io.Writer, what string, counts *prefilter.Counts, total int) {
	if counts.Total() == 0 {
		return
	}
	fmt.Fprintf(w, "prefiltered %d of %d %s, never scored as DGA: %s\n", counts.Total(), total, what, formatReasons(counts))
}

// printLeftOut writes one line with the rows an evaluation left out, by
// reason, or nothing when none was.
func printLeftOut(w io.Writer, left map[string]int) {
	var parts []string
	total := 0
	for _, r := range prefilter.Reasons() {
		if n := left[r.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
			total += n
		}
	}
	if total > 0 {
		fmt.Fprintf(w, "left out %d rows the prefilter rejects (never scored as DGA): %s\n", total, strings.Join(parts, ", "))
	}
}

// formatReasons lists counts as "arpa 3, single_label 1" in reason order.
func formatReasons(counts *prefilter.Counts) string {
	var parts []string
	for _, r := range prefilter.Reasons() {
		if n := counts.Get(r); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
		}
	}
	return strings.Join(parts, ", ")
}
