package params

import (
	"errors"
	"fmt"
	"strconv"
)

// Setter sets *p from the text of one parameter's value, or says what value
// it wants; Parse adds the learner, the key and the value to the error.
type Setter[P any] func(p *P, v string) error

// Field returns a Setter that stores parse(v) in the field that field
// points to.
func Field[P, T any](field func(*P) *T, parse func(string) (T, error)) Setter[P] {
	return func(p *P, v string) error {
		x, err := parse(v)
		if err != nil {
			return err
		}
		*field(p) = x
		return nil
	}
}

// Int returns a Setter for an int field; the value is a decimal integer.
func Int[P any](field func(*P) *int) Setter[P] {
	return Field(field, func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("want an integer: %w", err)
		}
		return n, nil
	})
}

// Uint returns a Setter for a uint64 field such as a seed; the value is a
// non-negative decimal integer.
func Uint[P any](field func(*P) *uint64) Setter[P] {
	return Field(field, func(v string) (uint64, error) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want a non-negative integer: %w", err)
		}
		return n, nil
	})
}

// Float returns a Setter for a float64 field; the value is any number
// strconv.ParseFloat reads. Ranges are Validate's business.
func Float[P any](field func(*P) *float64) Setter[P] {
	return Field(field, func(v string) (float64, error) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("want a number: %w", err)
		}
		return f, nil
	})
}

// Bool returns a Setter for a bool field; the value is one strconv.ParseBool
// reads ("true", "false", "1", "0", ...).
func Bool[P any](field func(*P) *bool) Setter[P] {
	return Field(field, func(v string) (bool, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, errors.New("want true or false")
		}
		return b, nil
	})
}

// Only returns a Setter for a parameter the learner accepts with one value
// only, the one it implements (XGBoost's objective "binary:logistic", say),
// so that a recipe written for the reference library still parses. It sets
// nothing.
func Only[P any](want string) Setter[P] {
	return func(_ *P, v string) error {
		if v != want {
			return fmt.Errorf("only %q is supported", want)
		}
		return nil
	}
}
