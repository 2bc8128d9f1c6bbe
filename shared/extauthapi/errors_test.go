package extauthapi

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api/apitest"
	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
)

// Every error of the extauth domain has an answer in the table.
func TestErrorTable(t *testing.T) {
	apitest.CheckErrorTable(t, errorTable, "../extauth", map[string]error{
		"ErrNotFound": extauth.ErrNotFound,
	})
}
