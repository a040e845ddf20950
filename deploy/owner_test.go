package deploy

import (
	"io/fs"
	"syscall"
)

// fileOwner is the uid owning a file.
func fileOwner(fi fs.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Uid
	}
	return ^uint32(0)
}
