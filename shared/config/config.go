// Package config reads every setting from the environment, once, with
// FlexiAPI's variable names and defaults, and validates them at start-up.
package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a function, the authorizer or a
// command. It is read once at start-up and never changes.
type Config struct {
	// Deployment.
	TableName string // FLEXIAPI_TABLE

	// FlexiAPI's application settings.
	AppName                  string // APP_NAME
	AppURL                   string // APP_URL
	AppKey                   string // APP_KEY
	SIPDomain                string // APP_SIP_DOMAIN
	Realm                    string // ACCOUNT_REALM ("" = the account's domain)
	AdminsManageMultiDomains bool   // APP_ADMINS_MANAGE_MULTI_DOMAINS
	DangerousEndpoints       bool   // APP_DANGEROUS_ENDPOINTS
	AllowPhoneNumberUsername bool   // APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API
	EmailUnique              bool   // ACCOUNT_EMAIL_UNIQUE
	BlacklistedUsernames     []string
	UsernameRegex            *regexp.Regexp
	UsernameRegexSource      string
	DefaultPasswordAlgorithm string // ACCOUNT_DEFAULT_PASSWORD_ALGORITHM
	UsernameMinLength        int    // ACCOUNT_USERNAME_MIN_LENGTH (FlexiAPI documents 6; its code has no minimum)
	PasswordMinLength        int    // ACCOUNT_PASSWORD_MIN_LENGTH (FlexiAPI documents 6; its code takes 3)
	TombstoneRetention       time.Duration
	StatisticsRetention      time.Duration // STATISTICS_RETENTION_DAYS (0 = forever, as FlexiAPI)
	UnconfirmedRetention     time.Duration // ACCOUNTS_CLEAR_UNCONFIRMED_DAYS

	// Authentication.
	APIKeyExpiration time.Duration // APP_API_KEY_EXPIRATION_MINUTES
	// NonExpiringKeys are the accounts (username@domain, lower case)
	// whose API key never expires (API_KEY_NON_EXPIRING_ACCOUNTS).
	NonExpiringKeys map[string]bool
	DigestNonceTTL  time.Duration // DIGEST_NONCE_TTL (minutes)
	JWTPublicKey    *rsa.PublicKey
	JWTIssuer       string
	JWTAudience     string

	// Creation tokens, blocking, SMS, mail, the registrar, SIP messages,
	// the web page, the rate limit and provisioning.
	CreationTokenRetry     time.Duration // APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES
	BlockingPeriod         time.Duration // BLOCKING_TIME_PERIOD_CHECK
	BlockingEvents         int           // BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD
	SMSMaxPerPhonePerHour  int
	MailFromAddress        string
	MailFromName           string
	MailSignature          string
	FlexisipRedisURL       string
	SIPProxy               string
	SIPSenderURI           string
	SIPSenderPassword      string
	SIPMessageTimeout      time.Duration // SIP_MESSAGE_TIMEOUT
	WebPanel               bool
	HCaptchaSecret         string
	HCaptchaSiteKey        string
	RateLimitPerMinute     int // FLEXIAPI_RATE_LIMIT_PER_MINUTE (WAF rule, local gateway)
	ProvisioningRCFile     string
	ProvisioningOverwrite  bool
	ProvisioningNeedHeader bool

	// The "Confirmed Registration" email's texts (FlexiAPI's).
	ConfirmedRegistrationText string // INSTANCE_CONFIRMED_REGISTRATION_TEXT
	ProxyRegistrarAddress     string // ACCOUNT_PROXY_REGISTRAR_ADDRESS
	TransportProtocolText     string // ACCOUNT_TRANSPORT_PROTOCOL_TEXT

	// Flexisip's ExternalAuthentication check: the accepted secrets (the
	// current one, then the previous one during a rotation), and how long
	// a used (nonce, nc) of an account is remembered.
	FlexisipAuthSecrets     []string      // FLEXISIP_AUTH_SECRET, FLEXISIP_AUTH_SECRET_PREVIOUS
	FlexisipAuthNonceExpiry time.Duration // FLEXISIP_AUTH_NONCE_EXPIRES (seconds)

	// PushApps maps pn_provider, or pn_provider:pn_param, to an SNS
	// platform application name or ARN (SNS_PUSH_PLATFORM_APPLICATIONS):
	// the more specific key wins; a pair that maps to nothing is a failed
	// send (503).
	PushApps map[string]string
}

// Var documents one environment variable.
type Var struct {
	Name    string
	Default string
	Doc     string
}

// Vars lists every variable the project reads, with its default. The
// operations guide is checked against this list.
var Vars = []Var{
	{"FLEXIAPI_TABLE", "flexiapi", "DynamoDB table name."},
	{"APP_NAME", "Account Manager", "Name used in SMS and email texts, and as the default user agent."},
	{"APP_URL", "", "Public base URL of the generated links; empty = the URL each request came in on."},
	{"APP_KEY", "", "Required. Secret of the deployment: Digest `opaque` (base64 of it) and the key that signs nonces."},
	{"APP_SIP_DOMAIN", "sip.domain.com", "Default SIP domain: creation, public lookups, aliases."},
	{"ACCOUNT_REALM", "", "Digest realm and password-hash realm; empty = the account's domain."},
	{"APP_ADMINS_MANAGE_MULTI_DOMAINS", "false", "Admins see and create accounts in every domain."},
	{"APP_DANGEROUS_ENDPOINTS", "false", "Enables FlexiAPI's deprecated unsecure public endpoints."},
	{"APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API", "false", "Admin creation accepts usernames that look like phone numbers."},
	{"ACCOUNT_EMAIL_UNIQUE", "false", "An email can belong to one account only."},
	{"ACCOUNT_BLACKLISTED_USERNAMES", "", "Comma-separated usernames (or unanchored regular expressions) that cannot be registered."},
	{"ACCOUNT_USERNAME_REGEX", "^[a-z0-9+_.-]*$", "What a SIP username may contain (RE2 syntax)."},
	{"ACCOUNT_DEFAULT_PASSWORD_ALGORITHM", "SHA-256", "Algorithm used when a request gives none: MD5 or SHA-256."},
	{"ACCOUNT_USERNAME_MIN_LENGTH", "6", "Minimum username length on creation (FlexiAPI's documented rule; its code has none)."},
	{"ACCOUNT_PASSWORD_MIN_LENGTH", "6", "Minimum password length on creation (FlexiAPI's documented rule; its code takes 3)."},
	{"ACCOUNT_TOMBSTONE_DAYS", "7", "Days a deleted username stays reserved (FlexiAPI's daily cron uses 7); 0 = forever."},
	{"STATISTICS_RETENTION_DAYS", "0", "Days a statistics event (message, call) is kept after it happened, then DynamoDB's TTL removes it; 0 = forever, as FlexiAPI."},
	{"ACCOUNTS_CLEAR_UNCONFIRMED_DAYS", "30", "The daily maintenance deletes accounts of APP_SIP_DOMAIN never activated after this many days (FlexiAPI's cron); 0 = never."},
	{"APP_API_KEY_EXPIRATION_MINUTES", "60", "An API key unused for this long stops working, checked on each request; also the cookie lifetime."},
	{"API_KEY_NON_EXPIRING_ACCOUNTS", "", "Comma-separated SIP addresses (username@domain) whose API key never expires, whatever APP_API_KEY_EXPIRATION_MINUTES says: the admin account whose key Flexisip sends, so that a quiet night does not silently stop the statistics (docs/flexisip.md). The key still stops at once when it is replaced or the account is blocked or loses its admin role."},
	{"DIGEST_NONCE_TTL", "60", "Minutes a Digest nonce stays valid; an older one gets 401 with stale=true."},
	{"JWT_RSA_PUBLIC_KEY_PEM", "", "PEM RSA public key; enables JWT (Authorization: Bearer) when set."},
	{"JWT_ISSUER", "", "When set, a JWT's iss claim must equal it."},
	{"JWT_AUDIENCE", "", "When set, a JWT's aud claim must contain it."},
	{"APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES", "60", "Window of the send-by-push 429."},
	{"BLOCKING_TIME_PERIOD_CHECK", "30", "Minutes of the anti-abuse blocking window."},
	{"BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD", "5", "Events allowed in the window before an account is blocked; 0 disables."},
	{"SMS_MAX_PER_PHONE_PER_HOUR", "5", "SMS sent to one number per hour at most."},
	{"MAIL_FROM_ADDRESS", "hello@example.com", "Sender address of emails (SES identity)."},
	{"MAIL_FROM_NAME", "Account Manager", "Sender name of emails."},
	{"MAIL_SIGNATURE", "The Linphone Team", "Signature line of emails."},
	{"INSTANCE_CONFIRMED_REGISTRATION_TEXT", "", "Replaces the first paragraph of the \"Confirmed Registration\" email (plain text)."},
	{"ACCOUNT_PROXY_REGISTRAR_ADDRESS", "sip.domain.com", "Proxy/registrar address given in the \"Confirmed Registration\" email."},
	{"ACCOUNT_TRANSPORT_PROTOCOL_TEXT", "TLS (recommended), TCP or UDP", "Transport given in the \"Confirmed Registration\" email."},
	{"FLEXISIP_REDIS_URL", "", "Flexisip's Redis registrar (redis://host:port/db); empty = no devices."},
	{"FLEXISIP_SQL_DSN", "", "The database Flexisip authenticates from (mysql://USER:PASS@HOST:PORT/DB), for the projection (functions/flexisip-sync, flexiapi-admin flexisip-sync); locally only: deployed, the DSN comes from FLEXISIP_SQL_SECRET_ARN."},
	{"FLEXISIP_SQL_SECRET_ARN", "", "Secrets Manager secret holding that database's DSN (or RDS's JSON: engine, host, port, username, password, dbname); set by the stack."},
	{"SIP_PROXY", "", "Flexisip proxy for POST /messages (sip:host;transport=tcp); empty = route disabled."},
	{"SIP_SENDER_URI", "", "SIP identity that sends POST /messages."},
	{"SIP_SENDER_PASSWORD", "", "Password of SIP_SENDER_URI."},
	{"SIP_MESSAGE_TIMEOUT", "5", "Seconds POST /messages waits for the SIP proxy's final answer, Digest retry included; then 504 (keep it at least a second below the messages function's timeout: handlers stop a margin before it)."},
	{"WEB_PANEL", "true", "Serves the account-creation-request validation page."},
	{"HCAPTCHA_SECRET", "", "hCaptcha secret of the validation page."},
	{"HCAPTCHA_SITEKEY", "", "hCaptcha site key of the validation page."},
	{"SNS_PUSH_PLATFORM_APPLICATIONS", `{"fcm":"flexiapi-fcm","apns":"flexiapi-apns","apns.dev":"flexiapi-apns"}`, "JSON object from pn_provider, or pn_provider:pn_param (more specific, wins), to the SNS platform application (name or ARN) that sends the account-creation push."},
	{"FLEXISIP_AUTH_SECRET", "", "Secret Flexisip's ExternalAuthentication plugin sends in the `secret` query parameter of GET /api/flexisip/auth (machine API), at least 32 characters; empty = every call is 403."},
	{"FLEXISIP_AUTH_SECRET_PREVIOUS", "", "During a rotation of FLEXISIP_AUTH_SECRET, the previous secret, also accepted; empty otherwise."},
	{"FLEXISIP_AUTH_NONCE_EXPIRES", "3600", "Seconds a (nonce, nc) that GET /api/flexisip/auth accepted is remembered, to refuse its replay: at least Flexisip's nonce-expires (default 3600)."},
	{"FLEXIAPI_RATE_LIMIT_PER_MINUTE", "600", "Requests per minute per client IP (AWS WAF rule; the local gateway enforces it too); 0 = off."},
	{"ACCOUNT_PROVISIONING_RC_FILE", "", "linphonerc file merged into provisioning XML."},
	{"ACCOUNT_PROVISIONING_OVERWRITE_ALL", "false", "Marks every provisioning entry overwrite=\"true\"."},
	{"ACCOUNT_PROVISIONING_USE_X_LINPHONE_PROVISIONING_HEADER", "true", "Provisioning requires the x-linphone-provisioning header."},
	{SSMParametersVar, "", "JSON object from variable to SSM parameter name ({\"ACCOUNT_PROVISIONING_RC_FILE\":\"/flexiapi/prod/linphonerc\"}): the functions read these parameters at start, with decryption, and their values replace the variables'; set by the stack."},
}

// Load reads the configuration through getenv and reports every invalid
// variable at once.
func Load(getenv func(string) string) (*Config, error) {
	r := reader{getenv: getenv}
	c := &Config{
		TableName:                r.str("FLEXIAPI_TABLE"),
		AppName:                  r.str("APP_NAME"),
		AppURL:                   strings.TrimRight(r.str("APP_URL"), "/"),
		AppKey:                   r.str("APP_KEY"),
		SIPDomain:                r.str("APP_SIP_DOMAIN"),
		Realm:                    r.str("ACCOUNT_REALM"),
		AdminsManageMultiDomains: r.boolean("APP_ADMINS_MANAGE_MULTI_DOMAINS"),
		DangerousEndpoints:       r.boolean("APP_DANGEROUS_ENDPOINTS"),
		AllowPhoneNumberUsername: r.boolean("APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API"),
		EmailUnique:              r.boolean("ACCOUNT_EMAIL_UNIQUE"),
		DefaultPasswordAlgorithm: r.oneOf("ACCOUNT_DEFAULT_PASSWORD_ALGORITHM", "MD5", "SHA-256"),
		UsernameMinLength:        r.integer("ACCOUNT_USERNAME_MIN_LENGTH", 0),
		PasswordMinLength:        r.integer("ACCOUNT_PASSWORD_MIN_LENGTH", 0),
		TombstoneRetention:       time.Duration(r.integer("ACCOUNT_TOMBSTONE_DAYS", 0)) * 24 * time.Hour,
		StatisticsRetention:      time.Duration(r.integer("STATISTICS_RETENTION_DAYS", 0)) * 24 * time.Hour,
		UnconfirmedRetention:     time.Duration(r.integer("ACCOUNTS_CLEAR_UNCONFIRMED_DAYS", 0)) * 24 * time.Hour,
		APIKeyExpiration:         r.minutes("APP_API_KEY_EXPIRATION_MINUTES", 1),
		DigestNonceTTL:           r.minutes("DIGEST_NONCE_TTL", 1),
		JWTIssuer:                r.str("JWT_ISSUER"),
		JWTAudience:              r.str("JWT_AUDIENCE"),
		CreationTokenRetry:       r.minutes("APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES", 0),
		BlockingPeriod:           r.minutes("BLOCKING_TIME_PERIOD_CHECK", 1),
		BlockingEvents:           r.integer("BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD", 0),
		SMSMaxPerPhonePerHour:    r.integer("SMS_MAX_PER_PHONE_PER_HOUR", 0),
		MailFromAddress:          r.str("MAIL_FROM_ADDRESS"),
		MailFromName:             r.str("MAIL_FROM_NAME"),
		MailSignature:            r.str("MAIL_SIGNATURE"),
		FlexisipRedisURL:         r.str("FLEXISIP_REDIS_URL"),
		SIPProxy:                 r.str("SIP_PROXY"),
		SIPSenderURI:             r.str("SIP_SENDER_URI"),
		SIPSenderPassword:        r.str("SIP_SENDER_PASSWORD"),
		SIPMessageTimeout:        time.Duration(r.integer("SIP_MESSAGE_TIMEOUT", 1)) * time.Second,
		WebPanel:                 r.boolean("WEB_PANEL"),
		HCaptchaSecret:           r.str("HCAPTCHA_SECRET"),
		HCaptchaSiteKey:          r.str("HCAPTCHA_SITEKEY"),
		RateLimitPerMinute:       r.integer("FLEXIAPI_RATE_LIMIT_PER_MINUTE", 0),
		ProvisioningRCFile:       r.str("ACCOUNT_PROVISIONING_RC_FILE"),
		ProvisioningOverwrite:    r.boolean("ACCOUNT_PROVISIONING_OVERWRITE_ALL"),
		ProvisioningNeedHeader:   r.boolean("ACCOUNT_PROVISIONING_USE_X_LINPHONE_PROVISIONING_HEADER"),
	}
	c.NonExpiringKeys = map[string]bool{}
	for _, e := range strings.Split(r.str("API_KEY_NON_EXPIRING_ACCOUNTS"), ",") {
		if e = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(e), "sip:"))); e != "" {
			if u, d, ok := strings.Cut(e, "@"); !ok || u == "" || d == "" {
				r.fail("API_KEY_NON_EXPIRING_ACCOUNTS", fmt.Sprintf("must list username@domain addresses, not %q", e))
			}
			c.NonExpiringKeys[e] = true
		}
	}
	for _, name := range []string{"FLEXISIP_AUTH_SECRET", "FLEXISIP_AUTH_SECRET_PREVIOUS"} {
		if v := r.str(name); v != "" {
			if len(v) < minSecretLength {
				r.fail(name, fmt.Sprintf("must have at least %d characters (it is a credential in a URI)", minSecretLength))
			}
			c.FlexisipAuthSecrets = append(c.FlexisipAuthSecrets, v)
		}
	}
	if r.str("FLEXISIP_AUTH_SECRET") == "" && r.str("FLEXISIP_AUTH_SECRET_PREVIOUS") != "" {
		r.fail("FLEXISIP_AUTH_SECRET_PREVIOUS", "is set without FLEXISIP_AUTH_SECRET")
	}
	c.FlexisipAuthNonceExpiry = time.Duration(r.integer("FLEXISIP_AUTH_NONCE_EXPIRES", 1)) * time.Second
	c.ConfirmedRegistrationText = r.str("INSTANCE_CONFIRMED_REGISTRATION_TEXT")
	c.ProxyRegistrarAddress = r.str("ACCOUNT_PROXY_REGISTRAR_ADDRESS")
	c.TransportProtocolText = r.str("ACCOUNT_TRANSPORT_PROTOCOL_TEXT")
	if err := json.Unmarshal([]byte(r.str("SNS_PUSH_PLATFORM_APPLICATIONS")), &c.PushApps); err != nil {
		r.fail("SNS_PUSH_PLATFORM_APPLICATIONS", "must be a JSON object of strings: "+err.Error())
	}
	if c.AppKey == "" {
		r.fail("APP_KEY", "is required (the Digest opaque and the nonce signing key derive from it)")
	}
	if c.TableName == "" {
		r.fail("FLEXIAPI_TABLE", "must not be empty")
	}
	checkSIP(&r, c)
	if c.SIPDomain == "" {
		r.fail("APP_SIP_DOMAIN", "must not be empty")
	}
	if u, err := url.Parse(c.AppURL); c.AppURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		r.fail("APP_URL", "must be an absolute http(s) URL, or empty (the URL each request came in on)")
	}
	c.UsernameRegexSource = r.str("ACCOUNT_USERNAME_REGEX")
	if re, err := regexp.Compile(c.UsernameRegexSource); err != nil {
		r.fail("ACCOUNT_USERNAME_REGEX", "is not a valid regular expression (RE2 syntax): "+err.Error())
	} else {
		c.UsernameRegex = re
	}
	for _, e := range strings.Split(r.str("ACCOUNT_BLACKLISTED_USERNAMES"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.BlacklistedUsernames = append(c.BlacklistedUsernames, e)
		}
	}
	if pemText := r.str("JWT_RSA_PUBLIC_KEY_PEM"); pemText != "" {
		key, err := parseRSAPublicKey(pemText)
		if err != nil {
			r.fail("JWT_RSA_PUBLIC_KEY_PEM", err.Error())
		}
		c.JWTPublicKey = key
	}
	if len(r.errs) > 0 {
		return nil, errors.New("invalid configuration: " + strings.Join(r.errs, "; "))
	}
	return c, nil
}

// MustLoad reads the configuration through getenv (a function's
// environment, with its SSM parameters: shared/startup); on an invalid
// configuration it logs what is wrong and exits, so a misconfigured
// function fails at init.
func MustLoad(getenv func(string) string) *Config {
	c, err := Load(getenv)
	if err != nil {
		slog.Error(err.Error())
		os.Exit(1)
	}
	return c
}

// minSecretLength bounds FLEXISIP_AUTH_SECRET from below.
const minSecretLength = 32

// APIKeyLifetime is how long an account's API key lives without use, and
// false when it never expires (API_KEY_NON_EXPIRING_ACCOUNTS).
func (c *Config) APIKeyLifetime(username, domain string) (time.Duration, bool) {
	if c.NonExpiringKeys[strings.ToLower(username+"@"+domain)] {
		return 0, false
	}
	return c.APIKeyExpiration, true
}

// RealmFor is the Digest and password-hash realm of an account's domain.
func (c *Config) RealmFor(domain string) string {
	if c.Realm != "" {
		return c.Realm
	}
	return domain
}

// RealmJSON is the account JSON's "realm": ACCOUNT_REALM or null.
func (c *Config) RealmJSON() *string {
	if c.Realm == "" {
		return nil
	}
	r := c.Realm
	return &r
}

func parseRSAPublicKey(text string) (*rsa.PublicKey, error) {
	// Operators often paste the PEM with literal "\n" into one line.
	text = strings.ReplaceAll(text, `\n`, "\n")
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("is not a PEM block")
	}
	if pub, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if k, ok := pub.(*rsa.PublicKey); ok {
			return k, nil
		}
		return nil, errors.New("is not an RSA public key")
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return k, nil
	}
	if cert, err := x509.ParseCertificate(block.Bytes); err == nil {
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			return k, nil
		}
	}
	return nil, errors.New("cannot be parsed as an RSA public key (PKIX, PKCS#1 or certificate)")
}

type reader struct {
	getenv func(string) string
	errs   []string
}

func (r *reader) fail(name, msg string) { r.errs = append(r.errs, name+" "+msg) }

func defaultOf(name string) string {
	for _, v := range Vars {
		if v.Name == name {
			return v.Default
		}
	}
	panic("config: undeclared variable " + name)
}

func (r *reader) str(name string) string {
	def := defaultOf(name)
	if v, ok := r.lookup(name); ok {
		return v
	}
	return def
}

func (r *reader) lookup(name string) (string, bool) {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" || strings.EqualFold(v, "null") {
		return "", false
	}
	return v, true
}

// boolean accepts what Laravel's env() helper turns into booleans.
func (r *reader) boolean(name string) bool {
	s := strings.ToLower(r.str(name))
	switch s {
	case "true", "(true)", "1", "yes", "on":
		return true
	case "false", "(false)", "0", "no", "off", "":
		return false
	}
	r.fail(name, fmt.Sprintf("must be true or false, not %q", s))
	return false
}

func (r *reader) integer(name string, min int) int {
	s := r.str(name)
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		r.fail(name, fmt.Sprintf("must be an integer >= %d, not %q", min, s))
		return 0
	}
	return n
}

func (r *reader) minutes(name string, min int) time.Duration {
	return time.Duration(r.integer(name, min)) * time.Minute
}

func (r *reader) oneOf(name string, values ...string) string {
	s := r.str(name)
	for _, v := range values {
		if s == v {
			return s
		}
	}
	r.fail(name, fmt.Sprintf("must be one of %s, not %q", strings.Join(values, ", "), s))
	return values[0]
}
