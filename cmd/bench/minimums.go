package main

// The minimum capacity units each access pattern needs: a lower bound
// set from the items a request must touch, with DynamoDB's rules (a
// strongly consistent read of up to 4 KB is 1 RCU, an eventually
// consistent one or any GSI read 0.5; a write of up to 1 KB is 1 WCU, a
// failed condition too; a transactional write 2 WCU per item). Single-item
// conditional writes are counted where they keep the guarantee;
// transactions are a design choice that the measured figures show. Index
// writes count where the access pattern needs the index; the table's
// other indexes (listing, email lookup, clean-up) are left out.

type minimum struct {
	RCU, WCU float64
	Why      string
}

// authMinimums are per authentication of one operation (a Digest
// operation is a round: the 401 and the answer).
var authMinimums = map[string]minimum{
	authNone: {0, 0, "public route: no authorizer"},
	authAPIKey: {1, 0, "one strongly consistent GetItem of the key item (< 4 KB): a key works the moment it is issued; " +
		"its last use is written at most once a minute (not on the common path)"},
	authJWT: {0.5, 0, "signature checked in memory, then one GSI3 Query (eventually consistent) returning one projected item (< 4 KB)"},
	authDigest: {1, 1, "401: one eventually consistent GetItem of the SIP identity (0.5) to pick the algorithm, nothing written " +
		"(the nonce proves itself); answer: the same read (0.5) + one conditional UpdateItem counting the nonce use (1 WCU)"},
}

// endpointMinimums are the function's own units, per route ID, in the
// realistic case the bench runs (capacity.go).
var endpointMinimums = map[string]minimum{
	"GET /api/ping":                 {0, 0, "static answer"},
	"GET /api":                      {0, 0, "generated in memory from the route table"},
	"GET /api/openapi.json":         {0, 0, "generated in memory from the route table"},
	"POST /api/accounts/auth_token": {0, 2, "FlexiAPI's integer id from the atomic counter (1) + PutItem of the token (< 1 KB)"},
	"GET /api/accounts/auth_token/{auth_token}/attach": {0, 1, "one conditional UpdateItem checks existence, age and not-yet-attached " +
		"(ReturnValuesOnConditionCheckFailure tells which failed)"},
	"GET /api/accounts/me/api_key/{auth_token}": {1, 4, "conditional DeleteItem consuming the attached token (1, returns its account) + " +
		"the account's current key, strongly consistent (1 RCU) + new key PutItem (1) + account update (1) + old key DeleteItem (1)"},
	"GET /api/accounts/me/api_key": {1, 3, "the account's current key, strongly consistent (1 RCU) + new key PutItem (1) + " +
		"account update (1) + old key DeleteItem (1)"},
	"GET /api/accounts/me": {1, 0, "one strongly consistent GetItem of the account (< 4 KB)"},
	"POST /api/accounts": {1, 3, "id counter read (1 RCU) and moved + SIP-identity marker PutItem with attribute_not_exists (1: uniqueness) + " +
		"account PutItem (1, < 1 KB), in one transaction (so that a refused creation spends no id): × 2; index entries (listing, email, clean-up) extra"},
	"GET /api/accounts": {2.5, 0, "the total (GetItem, 0.5 eventually consistent) + one GSI1 Query returning the page's 20 accounts " +
		"projected in the index (< 0.7 KB each: ≤ 14 KB → 4 × 0.5); a keys-only index read page by BatchGetItem costs 0.5 + 20 instead, " +
		"for cheaper account writes"},
	"GET /api/accounts/{id}": {1, 0, "one strongly consistent GetItem of the account"},
	"DELETE /api/accounts/{id}": {1, 3, "the account, strongly consistent (1 RCU: which markers it has) + delete it (1) + " +
		"turn its SIP marker into the tombstone (1) + delete its provisioning-token marker (1)"},
	"POST /api/accounts/{id}/activate":   {0, 1, "one conditional UpdateItem returning the new account (ReturnValues ALL_NEW)"},
	"POST /api/accounts/{id}/deactivate": {0, 1, "one conditional UpdateItem returning the new account (ReturnValues ALL_NEW)"},
	"POST /api/accounts/{id}/block": {0, 2, "the account (UpdateItem, ALL_NEW) + the SIP-identity copy authentication reads (1); " +
		"+1 per API-key copy; × 2 in one transaction"},
	"POST /api/accounts/{id}/unblock": {0, 2, "as block"},
}

// Authentication kinds of the measured cases.
const (
	authNone   = "none"
	authAPIKey = "API key"
	authJWT    = "JWT"
	authDigest = "Digest round"
)
