package main

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/startup/startuptest"
)

// The group's router builds from the route table, its handlers and its
// schemas, with every gate open and closed, without AWS.
func TestWiring(t *testing.T) {
	startuptest.Wiring(t, group)
}
