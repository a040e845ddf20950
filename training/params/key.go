package params

// Key is one parameter a learner accepts: the names it goes by (its own and
// its aliases, such as XGBoost's "eta" and scikit-learn's "learning_rate")
// and how a value given under any of them sets the Params. Giving two of
// its names at once is an error.
type Key[P any] struct {
	Names []string
	Set   Setter[P]
}
