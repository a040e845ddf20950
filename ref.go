package mlctl

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseRef splits a dataset or model reference: NAME (version 0, meaning
// the newest) or NAME@VERSION.
func ParseRef(ref string) (name string, version int, err error) {
	name, v, found := strings.Cut(ref, "@")
	if name == "" {
		return "", 0, fmt.Errorf("%q: empty name (want NAME or NAME@VERSION)", ref)
	}
	if !found {
		return name, 0, nil
	}
	version, err = strconv.Atoi(v)
	if err != nil || version < 1 {
		return "", 0, fmt.Errorf("%q: version %q is not a positive number (want NAME@VERSION)", ref, v)
	}
	return name, version, nil
}

// Ref formats NAME@VERSION.
func Ref(name string, version int) string { return fmt.Sprintf("%s@%d", name, version) }
