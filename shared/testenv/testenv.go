// Package testenv gives integration tests the real local AWS stack that
// `make test` starts (cmd/devstack): DynamoDB Local, the SES v2 emulator
// and moto. A test that needs one and does not find it fails with a
// message saying how to run it; it never skips.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// Endpoint returns an emulator's URL from the environment, or fails.
func Endpoint(t testing.TB, variable string) string {
	t.Helper()
	v := os.Getenv(variable)
	if v == "" {
		t.Fatalf("%s is not set: integration tests run against the local emulators; use `make test` "+
			"(or `go run ./cmd/devstack exec -- go test -tags integration ./...`)", variable)
	}
	return v
}

// Credentials sets the dummy credentials the emulators accept, if none.
func Credentials() {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1",
	} {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
	}
}

// UniqueName returns prefix plus a random suffix (tables of parallel tests).
func UniqueName(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// Table creates a fresh table on DynamoDB Local and deletes it after the test.
func Table(t testing.TB) *store.Store {
	t.Helper()
	Endpoint(t, "AWS_ENDPOINT_URL_DYNAMODB")
	Credentials()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := UniqueName("test")
	st, err := store.New(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.EnsureTable(ctx, st.Client(), name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Client().DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return st
}
