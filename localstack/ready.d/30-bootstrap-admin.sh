#!/bin/sh
# LocalStack ready hook: the bootstrap admin account, made by the admin CLI
# (flexiapi-admin create-admin) in the table of the deployed stack.
#
# The table is created by `cdklocal deploy`, which runs after LocalStack is
# ready: at LocalStack's start-up the table does not exist yet, and the
# hook says how to run it again once the stack is deployed (make
# localstack-deploy does it). Idempotent: a re-run keeps the account and its
# password (read back from the output file) and issues a fresh API key.
#
#   FLEXIAPI_ADMIN_BIN   the admin CLI (default /opt/flexiapi/dist/flexiapi-admin-linux:
#                        docker-compose.yml mounts dist/ at /opt/flexiapi/dist)
#   FLEXIAPI_TABLE       the table; default: output TableName of the stack
#                        FLEXIAPI_STACK (default FlexiAPI-local)
#   FLEXIAPI_ADMIN_OUT   where the admin's JSON is written (mode 600;
#                        default /var/lib/localstack/flexiapi/admin.json)
#   FLEXIAPI_ADMIN_USERNAME (default admin); APP_SIP_DOMAIN, ACCOUNT_REALM
#                        and the other FlexiAPI variables as in the stack
#
# Endpoint: AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else
# LocalStack on http://localhost:4566 (the CLI gets the same).
set -eu

: "${AWS_ACCESS_KEY_ID:=test}" "${AWS_SECRET_ACCESS_KEY:=test}"
: "${AWS_DEFAULT_REGION:=${AWS_REGION:-us-east-1}}" "${AWS_REGION:=$AWS_DEFAULT_REGION}"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_REGION

bin=${FLEXIAPI_ADMIN_BIN:-/opt/flexiapi/dist/flexiapi-admin-linux}
endpoint=${AWS_ENDPOINT_URL_DYNAMODB:-${AWS_ENDPOINT_URL:-http://localhost:4566}}
stack=${FLEXIAPI_STACK:-FlexiAPI-local}
out=${FLEXIAPI_ADMIN_OUT:-/var/lib/localstack/flexiapi/admin.json}
username=${FLEXIAPI_ADMIN_USERNAME:-admin}
domain=${APP_SIP_DOMAIN:-sip.domain.com}
rerun="docker compose -f localstack/docker-compose.yml exec localstack /etc/localstack/init/ready.d/30-bootstrap-admin.sh"

say() { printf 'flexiapi bootstrap-admin: %s\n' "$*"; }

if [ ! -x "$bin" ]; then
	say "$bin is missing or not executable: build it with 'make dist/flexiapi-admin-linux' (docker-compose.yml mounts dist/ at /opt/flexiapi/dist)" >&2
	exit 1
fi

table=${FLEXIAPI_TABLE:-}
if [ -z "$table" ]; then
	cfn=${AWS_ENDPOINT_URL_CLOUDFORMATION:-${AWS_ENDPOINT_URL:-http://localhost:4566}}
	table=$(aws --endpoint-url "$cfn" cloudformation describe-stacks --stack-name "$stack" \
		--query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue | [0]" --output text 2>/dev/null) || table=""
	if [ -z "$table" ] || [ "$table" = None ]; then
		say "the stack $stack is not deployed yet: nothing to do now."
		say "after 'make localstack-deploy', run: $rerun"
		exit 0
	fi
fi

if ! status=$(aws --endpoint-url "$endpoint" dynamodb describe-table --table-name "$table" \
	--query Table.TableStatus --output text 2>&1); then
	case $status in
	*ResourceNotFound*)
		say "the table $table does not exist yet (cdklocal deploy creates it): nothing to do now."
		say "after 'make localstack-deploy', run: $rerun"
		exit 0
		;;
	esac
	printf '%s\n' "$status" >&2
	say "cannot read the table $table at $endpoint" >&2
	exit 1
fi
if [ "$status" != ACTIVE ]; then
	say "the table $table is $status, not ACTIVE yet: run again in a moment: $rerun"
	exit 0
fi

# Keep the password of a previous run for the same account.
set --
if [ -f "$out" ] &&
	[ "$(sed -n 's/.*"username":"\([^"]*\)".*/\1/p' "$out")" = "$username" ] &&
	[ "$(sed -n 's/.*"domain":"\([^"]*\)".*/\1/p' "$out")" = "$domain" ]; then
	password=$(sed -n 's/.*"password":"\([^"]*\)".*/\1/p' "$out")
	if [ -n "$password" ]; then
		set -- -password "$password"
	fi
fi

mkdir -p "$(dirname "$out")"
umask 077
tmp="$out.tmp.$$"
if ! AWS_ENDPOINT_URL_DYNAMODB="$endpoint" FLEXIAPI_TABLE="$table" APP_SIP_DOMAIN="$domain" \
	"$bin" create-admin -username "$username" -domain "$domain" "$@" >"$tmp"; then
	rm -f "$tmp"
	say "flexiapi-admin create-admin failed" >&2
	exit 1
fi
mv "$tmp" "$out"
say "admin $username@$domain ready in table $table (a fresh API key; keys expire after APP_API_KEY_EXPIRATION_MINUTES unused). Written to $out:"
cat "$out"
