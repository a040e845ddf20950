// Package params applies the `--param key=value` pairs a user gives a tree
// learner to the learner's Params: each learner lists the keys it accepts
// and how each one sets a field, and Parse does the rest the same way for
// all of them — sorted key order, unknown keys, aliases given twice,
// every problem reported, and the Params left unchanged on error.
package params

import (
	"errors"
	"fmt"
	"slices"
)

// Validator is what Parse needs of a learner's Params: a check of the whole
// set once every key has been applied.
type Validator interface {
	Validate() error
}

// Parse applies kv to a copy of *p through keys, then validates the copy
// and stores it in *p. Keys are processed in sorted order and every problem
// is reported, each error starting with learner (as in "gbdt: ..."): an
// unknown key, two names of one Key, or a value its Setter refuses, which
// is quoted with the key. If any key fails or Validate does, *p is left
// unchanged.
func Parse[P Validator](learner string, kv map[string]string, p *P, keys []Key[P]) error {
	if p == nil {
		return fmt.Errorf("%s: ParseParams: nil params", learner)
	}
	names := make([]string, 0, len(kv))
	for k := range kv {
		names = append(names, k)
	}
	slices.Sort(names)
	q := *p
	var errs []error
	seen := map[int]string{} // index in keys → the name that set it
	for _, k := range names {
		i := slices.IndexFunc(keys, func(key Key[P]) bool { return slices.Contains(key.Names, k) })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s: unknown parameter %q", learner, k))
			continue
		}
		if prev, dup := seen[i]; dup {
			errs = append(errs, fmt.Errorf("%s: parameters %q and %q set the same thing", learner, prev, k))
			continue
		}
		seen[i] = k
		if err := keys[i].Set(&q, kv[k]); err != nil {
			errs = append(errs, fmt.Errorf("%s: parameter %s = %q: %w", learner, k, kv[k], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	*p = q
	return nil
}
