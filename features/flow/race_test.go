//go:build race

package flow

// raceEnabled: under the race detector sync.Pool drops items on purpose,
// so allocation counts are not checked.
const raceEnabled = true
