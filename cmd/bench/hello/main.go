// Command hello is the reference of `make bench`'s cold starts: the
// smallest Lambda a Go runtime can start, built with the same flags as the
// real bootstraps. Each bootstrap's cold start is reported as a ratio to it.
package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(func() (string, error) { return "hello", nil })
}
