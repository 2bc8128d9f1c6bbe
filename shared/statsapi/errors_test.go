package statsapi

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api/apitest"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// Every error of the statistics domain has an answer in the table.
func TestErrorTable(t *testing.T) {
	apitest.CheckErrorTable(t, errorTable, "../stats", map[string]error{
		"ErrNotFound":  stats.ErrNotFound,
		"ErrBadCursor": stats.ErrBadCursor,
	})
}
