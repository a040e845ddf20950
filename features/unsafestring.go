package features

import "unsafe"

// unsafeString views b as a string without copying; b must not change while
// the string is in use. Extract uses it for a lower-cased copy on its stack.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
