package resourceapi

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api/apitest"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

// Every error of the resources domain has an answer in the table.
func TestErrorTable(t *testing.T) {
	apitest.CheckErrorTable(t, errorTable, "../resource", map[string]error{
		"ErrNotFound":       resource.ErrNotFound,
		"ErrLinked":         resource.ErrLinked,
		"ErrNotLinked":      resource.ErrNotLinked,
		"ErrNoDTMF":         resource.ErrNoDTMF,
		"ErrKeyTaken":       resource.ErrKeyTaken,
		"ErrTitleTaken":     resource.ErrTitleTaken,
		"ErrDictionaryFull": resource.ErrDictionaryFull,
		"ErrActionsFull":    resource.ErrActionsFull,
		"ErrChanged":        resource.ErrChanged,
	})
}
