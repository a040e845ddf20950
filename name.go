package mlctl

import "regexp"

// NameRule says in words what namePattern accepts; errors quote it.
const NameRule = "a letter, then letters, digits, '_', '.' or '-' (at most 63 characters)"

// namePattern is the one rule for the names of models, datasets, schedules
// and aliases: no '@' (NAME@VERSION is a reference), no '/' or leading '.'
// (names become file and workflow IDs), no white space or control
// characters (names are printed to terminals and logs).
var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,62}$`)

// ValidateName returns an EINVALID *Error that states the rule when name
// cannot be the name of a kind ("model", "dataset", "schedule", "alias").
func ValidateName(kind, name string) error {
	if !namePattern.MatchString(name) {
		return Errorf(EINVALID, "%s name %q: want %s", kind, name, NameRule)
	}
	return nil
}
