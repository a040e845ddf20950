package tokens

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/internal/pyref"
)

// readTXTColumn returns the txt column of a shared TSV file. The zone file
// names its columns in a header; the tunnel file has none, and its README
// names them ts, qname, txt.
func readTXTColumn(t *testing.T, path string, headerless []string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col, line := -1, 0
	var out []string
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		if col < 0 {
			header := fields
			if headerless != nil && !slices.Contains(fields, "txt") {
				header = headerless
			}
			if col = slices.Index(header, "txt"); col < 0 {
				t.Fatalf("%s: no txt column in %q", path, header)
			}
			if headerless == nil || slices.Equal(header, fields) {
				continue
			}
		}
		if len(fields) <= col {
			t.Fatalf("%s:%d: %d fields, want a txt column at %d", path, line, len(fields), col+1)
		}
		out = append(out, fields[col])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTXTSharedCorpora compares the tokenizer with scikit-learn, run live,
// on the real TXT records of the shared corpora (zone records and dns2tcp
// tunnel answers), with the TXT notebook's vocabulary of 10,000 terms among others.
func TestTXTSharedCorpora(t *testing.T) {
	dir, err := devenv.SharedData()
	if err != nil {
		t.Fatal(err)
	}
	zone := readTXTColumn(t, filepath.Join(dir, "txt", "zone_txt_records.tsv"), nil)
	tunnel := readTXTColumn(t, filepath.Join(dir, "txt", "dns2tcp_tunnel_txt.tsv"), []string{"ts", "qname", "txt"})
	if len(zone) == 0 || len(tunnel) == 0 {
		t.Fatalf("read %d zone and %d tunnel records", len(zone), len(tunnel))
	}
	records := append(zone, tunnel...)
	in, err := json.Marshal(records)
	if err != nil {
		t.Fatal(err)
	}
	pyref.Require(t, "sklearn", "numpy")
	ref := parseReference(t, pyref.Run(t, in, "testdata/txt/gen.py"))
	checkReference(t, records, ref)
	longest := 0
	for _, r := range ref.Records {
		longest = max(longest, len(r.Tokens))
	}
	t.Logf("%d zone and %d tunnel records, %d distinct tokens; longest record %d tokens (MaxLen %d)",
		len(zone), len(tunnel), len(ref.Vocabularies[0].Counts), longest, DefaultTXTMaxLen)
}
