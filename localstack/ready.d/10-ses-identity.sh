#!/bin/sh
# LocalStack ready hook: the SES identity of MAIL_FROM_ADDRESS, the sender
# of FlexiAPI's emails. Idempotent: an identity that exists is left alone.
#
# Endpoint: AWS_ENDPOINT_URL_SESV2, else AWS_ENDPOINT_URL, else LocalStack
# on http://localhost:4566. It uses the SES v2 API (CreateEmailIdentity, as
# the functions send with SES v2) and falls back to the v1 API
# (VerifyEmailIdentity) on an emulator that has not implemented v2
# identities. An emulator without any identity API (aws-ses-v2-local, the
# one `make run` uses, sends from any address) needs nothing: the hook says
# so and succeeds.
set -eu

: "${AWS_ACCESS_KEY_ID:=test}" "${AWS_SECRET_ACCESS_KEY:=test}"
: "${AWS_DEFAULT_REGION:=${AWS_REGION:-us-east-1}}" "${AWS_REGION:=$AWS_DEFAULT_REGION}"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_REGION

address=${MAIL_FROM_ADDRESS:-hello@example.com}
endpoint=${AWS_ENDPOINT_URL_SESV2:-${AWS_ENDPOINT_URL:-http://localhost:4566}}
v1_endpoint=${AWS_ENDPOINT_URL_SES:-${AWS_ENDPOINT_URL:-$endpoint}}

say() { printf 'flexiapi ses-identity: %s\n' "$*"; }

if aws --endpoint-url "$endpoint" sesv2 get-email-identity --email-identity "$address" >/dev/null 2>&1; then
	say "$address already exists ($endpoint)"
	exit 0
fi
if out=$(aws --endpoint-url "$endpoint" sesv2 create-email-identity --email-identity "$address" 2>&1); then
	say "created $address ($endpoint)"
	exit 0
fi
case $out in
*AlreadyExists*)
	say "$address already exists ($endpoint)"
	exit 0
	;;
*UnknownOperation*)
	# aws-ses-v2-local answers this to every call it does not know, and
	# never answers SES v1 calls other than SendEmail: do not ask it.
	if [ -z "${AWS_ENDPOINT_URL_SES:-}" ]; then
		say "$endpoint has no identity API (an emulator that sends from any address): nothing to create"
		exit 0
	fi
	;;
*"not yet"* | *NotImplemented* | *"not available in your current license"*)
	;;
*)
	printf '%s\n' "$out" >&2
	say "cannot create the identity $address at $endpoint" >&2
	exit 1
	;;
esac

say "SES v2 identities are not implemented at $endpoint: trying the SES v1 API at $v1_endpoint"
if out=$(AWS_MAX_ATTEMPTS=1 aws --cli-connect-timeout 5 --cli-read-timeout 15 --endpoint-url "$v1_endpoint" \
	ses verify-email-identity --email-address "$address" 2>&1); then
	say "verified $address with the SES v1 API ($v1_endpoint)"
	exit 0
fi
printf '%s\n' "$out" >&2
say "cannot create the identity $address: neither the SES v2 nor the v1 API worked" >&2
exit 1
