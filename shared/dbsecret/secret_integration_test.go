//go:build integration

package dbsecret

import (
	"context"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/awsjson"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestDSNFromSecretsManager: the secret (RDS's JSON) is read from Secrets
// Manager (moto) and becomes the DSN; an unknown secret is an error that
// names it.
func TestDSNFromSecretsManager(t *testing.T) {
	testenv.Endpoint(t, "AWS_ENDPOINT_URL_SECRETS_MANAGER")
	testenv.Credentials()
	ctx := context.Background()
	var created struct {
		ARN string `json:"ARN"`
	}
	err := awsjson.SecretsManager.Call(ctx, "CreateSecret", map[string]string{"Name": testenv.UniqueName("flexisip-dsn"),
		"SecretString": `{"engine":"mariadb","host":"db.internal","port":3306,"username":"sync","password":"s3cr:t","dbname":"flexisip"}`}, &created)
	if err != nil || !strings.HasPrefix(created.ARN, "arn:") {
		t.Fatalf("create: %q %v", created.ARN, err)
	}
	dsn, err := DSN(ctx, &config.FlexisipSQL{SecretARN: created.ARN})
	if err != nil || dsn != "mysql://sync:s3cr%3At@db.internal:3306/flexisip" {
		t.Fatalf("%q %v", dsn, err)
	}
	missing := strings.Replace(created.ARN, "flexisip-dsn", "nothing-here", 1)
	if _, err := DSN(ctx, &config.FlexisipSQL{SecretARN: missing}); err == nil || !strings.Contains(err.Error(), missing) || strings.Contains(err.Error(), "s3cr") {
		t.Fatalf("unknown secret: %v", err)
	}
}
