// Package atomicfile writes a file whole or not at all: what a crash or a
// full disk leaves is the old file (or none) and at most a temporary file
// whose name starts with TempPrefix, never half the new one.
package atomicfile

import (
	"os"
	"path/filepath"
)

// TempPrefix starts the name of a file being written; what a crash left
// with it may be removed.
const TempPrefix = ".tmp-"

// Write replaces path with data: written to a temporary file beside it,
// synced, renamed over it, and the directory synced so the rename itself
// survives a crash.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
