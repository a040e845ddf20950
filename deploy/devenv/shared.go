package devenv

import (
	"fmt"
	"os"
	"path/filepath"
)

// SharedData returns the folder of real public corpora (DGA families,
// benign lists, Zeek logs) that tests, benchmarks and the demo read and
// never copy into the repo: $MLCTL_SHARED_DATA, else shared/data beside
// the checkout, else /work/shared/data (where a clone elsewhere on a
// development machine finds it). It fails naming every place it looked.
func SharedData() (string, error) {
	var tried []string
	if d := os.Getenv("MLCTL_SHARED_DATA"); d != "" {
		if isDir(d) {
			return d, nil
		}
		tried = append(tried, d+" ($MLCTL_SHARED_DATA)")
	}
	if root, err := RepoRoot(); err == nil {
		d := filepath.Join(root, "..", "shared", "data")
		if isDir(d) {
			return filepath.Clean(d), nil
		}
		tried = append(tried, filepath.Clean(d))
	}
	const dev = "/work/shared/data"
	if isDir(dev) {
		return dev, nil
	}
	tried = append(tried, dev)
	return "", fmt.Errorf("the shared corpora are not at %v; set MLCTL_SHARED_DATA to the folder that holds dga/, benign/ and flows/", tried)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
