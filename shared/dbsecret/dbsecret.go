// Package dbsecret finds the DSN of the database Flexisip authenticates
// from: in Secrets Manager when deployed (FLEXISIP_SQL_SECRET_ARN), in the
// environment locally (FLEXISIP_SQL_DSN). The DSN holds a password: it is
// returned, never logged, and no error here repeats it.
package dbsecret

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// DSN returns the configured DSN, reading the secret when one is named
// (once: call it at a function's init, or on its first invocation).
func DSN(ctx context.Context, c *config.FlexisipSQL) (string, error) {
	if c.SecretARN == "" {
		return c.DSN, nil
	}
	var out struct {
		SecretString *string `json:"SecretString"`
	}
	if err := Call(ctx, "GetSecretValue", map[string]string{"SecretId": c.SecretARN}, &out); err != nil {
		return "", fmt.Errorf("read the secret %s: %w", c.SecretARN, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("the secret %s holds no string", c.SecretARN)
	}
	dsn, err := FromSecretString(*out.SecretString)
	if err != nil {
		return "", fmt.Errorf("the secret %s: %w", c.SecretARN, err)
	}
	return dsn, nil
}

// Call is one Secrets Manager action (its JSON protocol), signed with the
// SDK's SigV4 signer: the service's generated client would add its
// endpoint and schema tables to the function's cold start for one call.
// The endpoint is AWS_ENDPOINT_URL_SECRETS_MANAGER when set (moto in the
// tests), else the region's.
func Call(ctx context.Context, action string, in, out any) error {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint(cfg), bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager."+action)
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "secretsmanager", cfg.Region, time.Now()); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var client interface {
		Do(*http.Request) (*http.Response, error)
	} = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		client = awshttp.NewBuildableClient()
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Message == "" {
			e.Message = e.Msg
		}
		return fmt.Errorf("secretsmanager %s: %d %s: %s", action, resp.StatusCode, e.Type, e.Message)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func endpoint(cfg aws.Config) string {
	if v := os.Getenv("AWS_ENDPOINT_URL_SECRETS_MANAGER"); v != "" {
		return strings.TrimRight(v, "/") + "/"
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return strings.TrimRight(*cfg.BaseEndpoint, "/") + "/"
	}
	return "https://secretsmanager." + cfg.Region + ".amazonaws.com/"
}

// rdsSecret is the JSON that RDS and Secrets Manager's database rotation
// keep in a secret.
type rdsSecret struct {
	Engine   string          `json:"engine"`
	Host     string          `json:"host"`
	Port     json.RawMessage `json:"port"`
	Username string          `json:"username"`
	Password string          `json:"password"`
	DBName   string          `json:"dbname"`
}

// FromSecretString accepts a secret that is the DSN itself, or RDS's JSON.
func FromSecretString(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "mysql://") {
		return s, nil
	}
	var r rdsSecret
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return "", fmt.Errorf("it is neither a mysql:// URL nor a JSON object with host, port, username, password and dbname")
	}
	if r.Engine != "" && r.Engine != "mysql" && r.Engine != "mariadb" && !strings.HasPrefix(r.Engine, "aurora-mysql") {
		return "", fmt.Errorf("engine %q: only MySQL and MariaDB are served", r.Engine)
	}
	if r.Host == "" || r.Username == "" || r.DBName == "" {
		return "", fmt.Errorf("its JSON lacks host, username or dbname")
	}
	port := "3306"
	if len(r.Port) > 0 {
		var n int
		var str string
		switch {
		case json.Unmarshal(r.Port, &n) == nil:
			port = strconv.Itoa(n)
		case json.Unmarshal(r.Port, &str) == nil && str != "":
			port = str
		}
	}
	u := url.URL{Scheme: "mysql", User: url.UserPassword(r.Username, r.Password), Host: net.JoinHostPort(r.Host, port), Path: "/" + r.DBName}
	return u.String(), nil
}
