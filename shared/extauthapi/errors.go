package extauthapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
)

// errorTable is the answer to each error of the extauth domain. The check
// turns a vanished account into a 401 outcome itself, so ErrNotFound
// reaches no answer in practice; a failed dependency is no table entry
// (the router's 503, which the plugin counts as a failure: the SIP
// request is refused).
var errorTable = api.ErrorTable{
	{Err: extauth.ErrNotFound, Answer: api.NotFound()},
}

// domainError is the table's answer to err, or err itself.
func domainError(err error) error { return errorTable.Answer(err) }
