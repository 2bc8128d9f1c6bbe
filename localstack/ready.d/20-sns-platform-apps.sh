#!/bin/sh
# LocalStack ready hook: the SNS platform applications of local mobile
# push, with dummy credentials (LocalStack and moto do not check them; a
# real AWS account needs real FCM and APNs credentials):
#   flexiapi-fcm   GCM (Firebase Cloud Messaging), for pn_provider fcm
#   flexiapi-apns  APNS (pn_provider apns) and APNS_SANDBOX (apns.dev)
# the default SNS_PUSH_PLATFORM_APPLICATIONS, with the
# platforms the CDK stack gives these names (infra/notify_push.go) and
# `make run` creates in moto (shared/devstack/sns.go).
# Idempotent: an application of that name and platform is left alone.
#
# Endpoint: AWS_ENDPOINT_URL_SNS, else AWS_ENDPOINT_URL, else LocalStack on
# http://localhost:4566.
set -eu

: "${AWS_ACCESS_KEY_ID:=test}" "${AWS_SECRET_ACCESS_KEY:=test}"
: "${AWS_DEFAULT_REGION:=${AWS_REGION:-us-east-1}}" "${AWS_REGION:=$AWS_DEFAULT_REGION}"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_REGION

endpoint=${AWS_ENDPOINT_URL_SNS:-${AWS_ENDPOINT_URL:-http://localhost:4566}}

say() { printf 'flexiapi sns-platform-apps: %s\n' "$*"; }

existing=$(aws --endpoint-url "$endpoint" sns list-platform-applications \
	--query 'PlatformApplications[].PlatformApplicationArn' --output text)

# ensure NAME PLATFORM ATTRIBUTES
ensure() {
	for arn in $existing; do
		case $arn in
		*":app/$2/$1")
			say "$1 ($2) already exists: $arn"
			return 0
			;;
		esac
	done
	arn=$(aws --endpoint-url "$endpoint" sns create-platform-application \
		--name "$1" --platform "$2" --attributes "$3" \
		--query PlatformApplicationArn --output text)
	say "created $1 ($2): $arn"
}

ensure flexiapi-fcm GCM "PlatformCredential=local-dummy-fcm-server-key"
ensure flexiapi-apns APNS "PlatformCredential=local-dummy-apns-private-key,PlatformPrincipal=local-dummy-apns-certificate"
ensure flexiapi-apns APNS_SANDBOX "PlatformCredential=local-dummy-apns-private-key,PlatformPrincipal=local-dummy-apns-certificate"
