// Package dbsecret finds the DSN of the database Flexisip authenticates
// from: in Secrets Manager when deployed (FLEXISIP_SQL_SECRET_ARN), in the
// environment locally (FLEXISIP_SQL_DSN). The DSN holds a password: it is
// returned, never logged, and no error here repeats it.
package dbsecret

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/awsjson"
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
	if err := awsjson.SecretsManager.Call(ctx, "GetSecretValue", map[string]string{"SecretId": c.SecretARN}, &out); err != nil {
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
