// Package e2e holds the end-to-end tests: the whole API over HTTP through
// the local API Gateway and the real bootstraps (see main_test.go).
package e2e
