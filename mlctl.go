// Package mlctl is the domain every other package shares: the algorithms
// and kinds of data a model can be, how users name datasets and models
// (NAME@VERSION), and the error codes the edges map to exit and HTTP
// statuses. It imports nothing of mlctl's, so registry, artifact, workflows
// and cli can all speak in its terms (as benbjohnson/wtf's root package).
package mlctl
