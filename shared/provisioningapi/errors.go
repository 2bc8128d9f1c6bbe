package provisioningapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
)

// errorTable is FlexiAPI's answer to each error of the provisioning
// domain.
var errorTable = api.ErrorTable{
	{Err: provisioning.ErrNotFound, Answer: api.NotFound()},
}

// domainError is the table's answer to err, or err itself.
func domainError(err error) error { return errorTable.Answer(err) }
