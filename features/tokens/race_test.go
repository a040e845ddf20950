//go:build race

package tokens

// raceEnabled: under the race detector sync.Pool drops items on purpose,
// so allocation counts are bounded, not zero.
const raceEnabled = true
