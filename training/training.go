// Package training is the one shape every learning algorithm has in mlctl:
// a Learner parses its parameters, trains on the data it asks for with
// hooks for progress, checkpoints and resume, and decodes its model. Each
// algorithm package (training/gbdt, forest, iforest, lstm) implements it
// once; training/learners lists them. The training activity, the CLI's
// parameter checks and the artifact codec all go through it, so a new
// algorithm is one package and one line in training/learners.
package training
