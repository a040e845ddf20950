package devenv

import (
	"fmt"
	"os"
	"path/filepath"
)

// SharedDataEnv is the environment variable that names the folder of
// shared corpora.
const SharedDataEnv = "MLCTL_SHARED_DATA"

// DefaultSharedData is the folder of shared corpora when SharedDataEnv is
// unset: shared/data beside the checkout, relative to the repository root.
const DefaultSharedData = "../shared/data"

// SharedData returns the folder of real public corpora (DGA families,
// benign lists, Zeek logs) that tests, benchmarks and the demo read and
// never copy into the repo: $MLCTL_SHARED_DATA, else DefaultSharedData. A
// relative path is taken from the repository root (the directory holding
// go.mod), so a test, which runs in its package's directory, and the demo,
// which runs at the root, read the same folder. When the folder is not
// there, the error names it and the variable to set.
func SharedData() (string, error) {
	dir, from := os.Getenv(SharedDataEnv), "$"+SharedDataEnv
	if dir == "" {
		dir, from = DefaultSharedData, SharedDataEnv+" is unset"
	}
	if !filepath.IsAbs(dir) {
		root, err := RepoRoot()
		if err != nil {
			return "", fmt.Errorf("the shared corpora: %s (%s) is relative to the repository root: %w; set %s to an absolute path", dir, from, err, SharedDataEnv)
		}
		dir = filepath.Join(root, dir)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("the shared corpora are not at %s (%s): set %s to the folder that holds dga/, benign/, dns/, flows/ and txt/", dir, from, SharedDataEnv)
	}
	return dir, nil
}
