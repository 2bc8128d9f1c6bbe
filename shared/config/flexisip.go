package config

import (
	"errors"
	"strings"
)

// FlexisipSQL is the configuration of the projection for Flexisip (the
// flexisip-sync function and flexiapi-admin flexisip-sync). It needs
// neither APP_KEY nor the API's settings, so it has a loader of its own.
type FlexisipSQL struct {
	TableName string // FLEXIAPI_TABLE
	// AliasDomain is APP_SIP_DOMAIN: FlexiAPI gives every alias row it.
	AliasDomain string
	// DSN (FLEXISIP_SQL_DSN) or SecretARN (FLEXISIP_SQL_SECRET_ARN): where
	// the database is. Never logged.
	DSN       string
	SecretARN string
}

// ErrFlexisipSQLNotConfigured: neither FLEXISIP_SQL_DSN nor
// FLEXISIP_SQL_SECRET_ARN is set.
var ErrFlexisipSQLNotConfigured = errors.New("no Flexisip database configured: set FLEXISIP_SQL_DSN (mysql://USER:PASS@HOST:PORT/DB) or FLEXISIP_SQL_SECRET_ARN")

// LoadFlexisipSQL reads the projection's settings.
func LoadFlexisipSQL(getenv func(string) string) (*FlexisipSQL, error) {
	r := reader{getenv: getenv}
	c := &FlexisipSQL{
		TableName:   r.str("FLEXIAPI_TABLE"),
		AliasDomain: r.str("APP_SIP_DOMAIN"),
		DSN:         r.str("FLEXISIP_SQL_DSN"),
		SecretARN:   r.str("FLEXISIP_SQL_SECRET_ARN"),
	}
	if c.TableName == "" {
		r.fail("FLEXIAPI_TABLE", "must not be empty")
	}
	if c.AliasDomain == "" {
		r.fail("APP_SIP_DOMAIN", "must not be empty")
	}
	if c.SecretARN != "" && !strings.HasPrefix(c.SecretARN, "arn:") {
		r.fail("FLEXISIP_SQL_SECRET_ARN", "must be a secret's ARN (arn:aws:secretsmanager:...)")
	}
	if len(r.errs) > 0 {
		return nil, errors.New("invalid configuration: " + strings.Join(r.errs, "; "))
	}
	if c.DSN == "" && c.SecretARN == "" {
		return nil, ErrFlexisipSQLNotConfigured
	}
	return c, nil
}
