package statsapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// errorTable is the answer to each error of the statistics domain.
var errorTable = api.ErrorTable{
	{Err: stats.ErrNotFound, Answer: api.NotFound()},
	{Err: stats.ErrBadCursor, Answer: api.InvalidField("cursor", "The cursor is invalid.")},
}

// domainError is the table's answer to err, or err itself.
func domainError(err error) error { return errorTable.Answer(err) }
