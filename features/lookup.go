package features

import (
	"fmt"
	"strings"
)

// SetNames lists the feature sets Lookup knows, sorted.
func SetNames() []string { return []string{"domain", "heidgaf44", TXTShapeName} }

// Lookup rebuilds a set from its name and stored state. Stateless sets
// (heidgaf44) take a nil or empty state; fitted sets (domain) require the
// bytes their MarshalJSON wrote.
func Lookup(name string, state []byte) (Set, error) {
	switch name {
	case "heidgaf44":
		if len(state) > 0 && string(state) != "null" {
			return nil, fmt.Errorf("feature set heidgaf44 is stateless, got %d bytes of state", len(state))
		}
		return Heidgaf44(), nil
	case "domain":
		if len(state) == 0 {
			return nil, fmt.Errorf("feature set domain needs its fitted state")
		}
		d := &Domain{}
		if err := d.UnmarshalJSON(state); err != nil {
			return nil, err
		}
		return d, nil
	case TXTShapeName:
		if len(state) > 0 && string(state) != "null" {
			return nil, fmt.Errorf("feature set %s is stateless, got %d bytes of state", TXTShapeName, len(state))
		}
		return TXTShapeSet(), nil
	}
	return nil, fmt.Errorf("unknown feature set %q (known: %s)", name, strings.Join(SetNames(), ", "))
}
