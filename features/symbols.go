package features

// Character n-gram models see a name as symbols: 0 marks the start or end of
// a string, 1-26 the letters (either case), 27-36 the digits, 37 '-', 38 '_',
// 39 '.', 40 any other byte.
const (
	symBoundary = 0
	symDot      = 39
	symCount    = 41
)

// symbolOf maps each byte to its symbol.
var symbolOf = func() (t [256]uint8) {
	for i := range t {
		t[i] = symCount - 1
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = uint8(1 + c - 'a')
		t[c-'a'+'A'] = uint8(1 + c - 'a')
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(27 + c - '0')
	}
	t['-'] = 37
	t['_'] = 38
	t['.'] = symDot
	return t
}()
