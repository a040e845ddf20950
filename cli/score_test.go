package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// publishNameModel publishes a small real name model (gbdt on heidgaf44,
// generated names) as name@1 in the registry at url.
func publishNameModel(t *testing.T, url, name string) {
	t.Helper()
	db := registrytest.OpenURL(t, url)
	publishedtest.Publish(t, db, name, publishedtest.NameModel(t, 3, 400, 5, false), 0.5)
}

// TestScorePrefiltersNames: `score --json` prints a prefiltered name as
// {"input","score":0,"label":0,"prefiltered","model","version"} in input
// order, the scored ones as before, and the counts by reason on stderr;
// a bad allowlist line is a usage error naming file:line.
func TestScorePrefiltersNames(t *testing.T) {
	url := registrytest.NewDatabase(t)
	publishNameModel(t, url, "dga")
	dir := t.TempDir()
	names := filepath.Join(dir, "names.txt")
	allow := filepath.Join(dir, "allow.txt")
	os.WriteFile(names, []byte("www.google.com\nprinter.local\n_vlmcs._tcp.acme.org\nwpad\n4.3.2.1.in-addr.arpa\nnode.ise.acme.org\nwww.itsfoss.com\nxjwqkzpvbn.com\n"), 0o644)
	os.WriteFile(allow, []byte("# benign\nitsfoss.com\n"), 0o644)
	run := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "--db", url, "score", "--model", "dga@1", "--file", names}, args...))
		return out.String(), errOut.String(), err
	}
	out, errOut, err := run("--json", "--internal-suffix", "ise.acme.org", "--allowlist", allow)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "local", "service_label", "single_label", "arpa", "internal_suffix", "allowlist", ""}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d names:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		wantKeys := 5 // input, score, label, model, version
		if want[i] != "" {
			wantKeys = 6 // and prefiltered; score and label 0
		}
		if len(keys) != wantKeys || m["model"] != "dga" || m["version"] != 1.0 ||
			(want[i] != "" && (m["prefiltered"] != want[i] || m["score"] != 0.0 || m["label"] != 0.0)) ||
			(want[i] == "" && m["score"] == nil) {
			t.Errorf("line %d: %s, want prefiltered %q", i, l, want[i])
		}
	}
	if !strings.Contains(errOut, "prefiltered 6 of 8 names, never scored as DGA: arpa 1, local 1, single_label 1, service_label 1, internal_suffix 1, allowlist 1\n") {
		t.Errorf("stderr:\n%s", errOut)
	}

	// Without the flags, the built-in rules still apply; as text, a
	// prefiltered name has "-" for score and label.
	out, errOut, err = run()
	if err != nil || !strings.Contains(out, "-\t-\twpad\tprefiltered=single_label\n") || !strings.Contains(out, "\tnode.ise.acme.org\n") || strings.Contains(out, "-\t-\tnode.ise.acme.org") ||
		!strings.Contains(errOut, "prefiltered 4 of 8 names") {
		t.Fatalf("text output: %v\n%s\nstderr: %s", err, out, errOut)
	}

	os.WriteFile(allow, []byte("itsfoss.com\nco.uk\n"), 0o644)
	if _, _, err := run("--allowlist", allow); err == nil || !strings.Contains(err.Error(), "score: "+allow+":2: \"co.uk\" is a public suffix") {
		t.Fatalf("bad allowlist: %v", err)
	}
	var u *usageError
	if _, _, err := run("--internal-suffix", "a..b"); err == nil || !errors.As(err, &u) {
		t.Fatalf("bad suffix: %v, want a usage error", err)
	}
}
