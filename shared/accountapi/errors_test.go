package accountapi

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api/apitest"
)

// Every error of the account domain has an answer in the table.
func TestErrorTable(t *testing.T) {
	apitest.CheckErrorTable(t, errorTable, "../account", map[string]error{
		"ErrNotFound":             account.ErrNotFound,
		"ErrTokenNotAttached":     account.ErrTokenNotAttached,
		"ErrTokenAlreadyAttached": account.ErrTokenAlreadyAttached,
		"ErrNotValidated":         account.ErrNotValidated,
		"ErrKeyMismatch":          account.ErrKeyMismatch,
		"ErrTokenInvalid":         account.ErrTokenInvalid,
		"ErrUsernameTaken":        account.ErrUsernameTaken,
		"ErrEmailTaken":           account.ErrEmailTaken,
		"ErrPhoneTaken":           account.ErrPhoneTaken,
		"ErrActivationExpired":    account.ErrActivationExpired,
		"ErrAccountBlocked":       account.ErrAccountBlocked,
		"ErrWrongCode":            account.ErrWrongCode,
		"ErrTooRecently":          account.ErrTooRecently,
		"ErrSMSQuota":             account.ErrSMSQuota,
		"ErrSMSNotSent":           account.ErrSMSNotSent,
		"ErrPushFailed":           account.ErrPushFailed,
		"ErrMailNotSent":          account.ErrMailNotSent,
		"ErrSMSNotConfigured":     account.ErrSMSNotConfigured,
		"ErrAlreadyChanged":       account.ErrAlreadyChanged,
	})
}
