package provisioningapi

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api/apitest"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
)

// Every error of the provisioning domain has an answer in the table.
func TestErrorTable(t *testing.T) {
	apitest.CheckErrorTable(t, errorTable, "../provisioning", map[string]error{
		"ErrNotFound": provisioning.ErrNotFound,
	})
}
