package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// FileSHA256 returns the hex SHA-256 of a file's bytes and its size: how
// ingest records its source files and the retrain watermark knows a file.
func FileSHA256(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fileError("open", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if size, err = io.Copy(h, f); err != nil {
		return "", 0, fileError("read", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}
