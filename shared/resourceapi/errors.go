package resourceapi

import (
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

// errorTable is FlexiAPI's answer to each error of the resources domain.
var errorTable = api.ErrorTable{
	{Err: resource.ErrNotFound, Answer: api.NotFound()},
	{Err: resource.ErrLinked, Answer: api.Abort(http.StatusForbidden, "")},
	{Err: resource.ErrNotLinked, Answer: api.Abort(http.StatusForbidden, "")},
	{Err: resource.ErrNoDTMF, Answer: api.Abort(http.StatusForbidden, "DTMF Protocol must be configured")},
	{Err: resource.ErrKeyTaken, Answer: api.InvalidField("key", "The key has already been taken.")},
	{Err: resource.ErrTitleTaken, Answer: api.InvalidField("title", "The title has already been taken.")},
	{Err: resource.ErrDictionaryFull, Answer: api.InvalidField("value", "The dictionary of this account is full.")},
	{Err: resource.ErrActionsFull, Answer: api.InvalidField("key", "This account cannot hold more actions.")},
	// Writers of one account that kept losing the race after the retries.
	{Err: resource.ErrChanged, Answer: api.Unavailable()},
}

// domainError is the table's answer to err, or err itself.
func domainError(err error) error { return errorTable.Answer(err) }
