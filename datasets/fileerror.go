package datasets

import (
	"errors"
	"fmt"
	"io/fs"
)

// fileError is err from op ("open", "read") on file, saying both once: an
// *fs.PathError about file already reads "read FILE: is a directory", any
// other error (a reader that is not a file) gets "op file: " in front.
func fileError(op, file string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == file {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, file, err)
}
