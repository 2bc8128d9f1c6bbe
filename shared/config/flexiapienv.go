package config

// FlexiAPIEnv maps the variables of FlexiAPI's .env that this project does
// not read to what replaces them, or why they mean nothing here. The
// variables FlexiAPI and we share (APP_SIP_DOMAIN, ACCOUNT_REALM, ...) are
// in Vars and keep their names and defaults. The operations guide holds
// the same table (a test compares them).
var FlexiAPIEnv = map[string]string{
	// The database: accounts live in DynamoDB.
	"DB_CONNECTION": dbWhy, "DB_HOST": dbWhy, "DB_PORT": dbWhy, "DB_DATABASE": dbWhy,
	"DB_USERNAME": dbWhy, "DB_PASSWORD": dbWhy, "DB_DRIVER": dbWhy,
	// Flexisip's Redis registrar (devices).
	"REDIS_CLIENT": redisWhy, "REDIS_HOST": redisWhy, "REDIS_PORT": redisWhy,
	"REDIS_PASSWORD": redisWhy, "REDIS_DB": redisWhy, "REDIS_PREFIX": redisWhy,
	"REDIS_SENTINEL_HOST": sentinelWhy, "REDIS_SENTINEL_PORT": sentinelWhy,
	"REDIS_SENTINEL_SERVICE": sentinelWhy, "REDIS_SENTINEL_PASSWORD": sentinelWhy,
	// Push, SMS, email, messages: AWS services and SIP instead of binaries
	// and providers.
	"APP_FLEXISIP_PUSHER_PATH":             pushWhy,
	"APP_FLEXISIP_PUSHER_FIREBASE_KEY":     pushWhy,
	"APP_FLEXISIP_PUSHER_FIREBASE_KEYSMAP": pushWhy,
	"APP_LINPHONE_DAEMON_UNIX_PATH":        "POST /api/messages sends the SIP MESSAGE itself: set SIP_PROXY, SIP_SENDER_URI and SIP_SENDER_PASSWORD",
	"OVH_APP_KEY":                          smsWhy, "OVH_APP_SECRET": smsWhy, "OVH_APP_ENDPOINT": smsWhy,
	"OVH_APP_CONSUMER_KEY": smsWhy, "OVH_APP_SENDER": smsWhy,
	"MAIL_DRIVER": mailWhy, "MAIL_MAILER": mailWhy, "MAIL_HOST": mailWhy, "MAIL_PORT": mailWhy,
	"MAIL_USERNAME": mailWhy, "MAIL_PASSWORD": mailWhy, "MAIL_ENCRYPTION": mailWhy,
	"MAIL_ALLOW_SELF_SIGNED": mailWhy, "MAIL_VERIFY_PEER": mailWhy, "MAIL_VERIFY_PEER_NAME": mailWhy,
	"NOCAPTCHA_SECRET":  "renamed HCAPTCHA_SECRET (the validation page uses hCaptcha)",
	"NOCAPTCHA_SITEKEY": "renamed HCAPTCHA_SITEKEY",
	// Laravel's own runtime.
	"APP_ENV": laravelWhy, "APP_DEBUG": laravelWhy, "LOG_CHANNEL": laravelWhy, "LOG_LEVEL": laravelWhy,
	"BROADCAST_DRIVER": laravelWhy, "CACHE_DRIVER": laravelWhy, "QUEUE_CONNECTION": laravelWhy,
	"SESSION_DRIVER": laravelWhy, "SESSION_LIFETIME": laravelWhy,
	"APP_ROOT_HOST": "the API answers on the host each request names; a custom domain is the deploy setting domains, and APP_URL follows it",
	// The web panel.
	"INSTANCE_COPYRIGHT": panelWhy, "INSTANCE_INTRO_REGISTRATION": panelWhy, "INSTANCE_CUSTOM_THEME": panelWhy,
	"NEWSLETTER_REGISTRATION_ADDRESS": panelWhy, "PUBLIC_REGISTRATION": panelWhy, "PHONE_AUTHENTICATION": panelWhy,
	"TERMS_OF_USE_URL": panelWhy, "PRIVACY_POLICY_URL": panelWhy,
	"DEVICES_MANAGEMENT":                         "it only changed FlexiAPI's documentation text: the devices endpoints always work (with FLEXISIP_REDIS_URL)",
	"ACCOUNT_CONSUME_EXTERNAL_ACCOUNT_ON_CREATE": "external accounts were removed from FlexiAPI before d231625",
}

const (
	dbWhy       = "the accounts live in the stack's DynamoDB table (FLEXIAPI_TABLE, set by the stack); Flexisip's SQL database is kept in step by the projection (deploy setting flexisipSqlSecretArn, docs/flexisip.md) and read once by flexiapi-admin import"
	redisWhy    = "one URL for Flexisip's registrar: FLEXISIP_REDIS_URL=redis://:PASSWORD@HOST:PORT/DB (rediss:// for TLS); no key prefix"
	sentinelWhy = "Redis Sentinel is not supported: give FLEXISIP_REDIS_URL the registrar's primary"
	pushWhy     = "push goes through SNS mobile push: the FCM and APNs credentials live in SNS platform applications, named in SNS_PUSH_PLATFORM_APPLICATIONS"
	smsWhy      = "SMS goes through SNS: the sender ID or origination number is an SNS SMS setting of the account, not a variable"
	mailWhy     = "email goes through SES v2 with the function's role: verify MAIL_FROM_ADDRESS (or its domain) in SES"
	laravelWhy  = "Laravel's runtime; the functions log JSON to CloudWatch and keep no session, cache or queue"
	panelWhy    = "there is no web panel"
)
