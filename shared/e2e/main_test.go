//go:build integration

package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

var (
	bootstraps map[string]string
	jwtKey     *rsa.PrivateKey
	jwtPEM     string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		fmt.Fprintln(os.Stderr, "e2e: AWS_ENDPOINT_URL_DYNAMODB is not set: these tests run against DynamoDB Local; use `make test` "+
			"(or `go run ./cmd/devstack exec -- go test -tags integration ./shared/e2e`)")
		return 1
	}
	dir, err := os.MkdirTemp("", "e2e-bootstraps-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, _ := filepath.Abs("../..")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if bootstraps, err = devstack.Build(ctx, root, dir, ""); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build bootstraps:", err)
		return 1
	}
	if jwtKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	der, _ := x509.MarshalPKIXPublicKey(&jwtKey.PublicKey)
	jwtPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	code := m.Run()
	if c := contractSummary(); code == 0 {
		code = c
	}
	return code
}
