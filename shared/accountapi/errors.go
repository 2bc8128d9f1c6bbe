package accountapi

import (
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// MsgMailNotSent is the 503 of an email change whose mail could not be
// sent (FlexiAPI answers 500).
const MsgMailNotSent = "The email could not be sent, try again later."

// errorTable is FlexiAPI's answer to each error of the account domain, for
// every handler of the group.
var errorTable = api.ErrorTable{
	{Err: account.ErrNotFound, Answer: api.NotFound()},
	{Err: account.ErrTokenNotAttached, Answer: api.Abort(http.StatusNotFound, "")},
	{Err: account.ErrTokenAlreadyAttached, Answer: api.Abort(http.StatusNotFound, "")},
	{Err: account.ErrNotValidated, Answer: api.Abort(http.StatusNotFound, "")},
	{Err: account.ErrKeyMismatch, Answer: api.Abort(http.StatusNotFound, "")},
	// Only the request-token exchange gets it this far: the creation flows
	// answer an invalid creation token as a validation error of their own
	// field, and the validation page with its HTML 404.
	{Err: account.ErrTokenInvalid, Answer: api.InvalidField("account_creation_request_token", account.MsgInvalidRequestToken)},
	{Err: account.ErrUsernameTaken, Answer: api.InvalidField("username", account.MsgUsernameTaken)},
	{Err: account.ErrEmailTaken, Answer: api.InvalidField("email", account.MsgEmailTaken)},
	{Err: account.ErrPhoneTaken, Answer: api.InvalidField("phone", account.MsgPhoneTaken)},
	{Err: account.ErrActivationExpired, Answer: api.Abort(http.StatusForbidden, account.MsgActivationExpired)},
	{Err: account.ErrAccountBlocked, Answer: api.Abort(http.StatusForbidden, api.MsgBlocked)},
	{Err: account.ErrWrongCode, Answer: api.Abort(http.StatusForbidden, "")},
	{Err: account.ErrTooRecently, Answer: api.Abort(http.StatusTooManyRequests, account.MsgTooRecently)},
	{Err: account.ErrSMSQuota, Answer: api.Abort(http.StatusTooManyRequests, account.MsgSMSQuota)},
	{Err: account.ErrSMSNotSent, Answer: api.Abort(http.StatusServiceUnavailable, account.MsgSMSNotSent)},
	{Err: account.ErrPushFailed, Answer: api.Abort(http.StatusServiceUnavailable, account.MsgTokenNotSent)},
	{Err: account.ErrMailNotSent, Answer: api.Abort(http.StatusServiceUnavailable, MsgMailNotSent)},
	{Err: account.ErrSMSNotConfigured, Answer: api.Unavailable()},
	// Writers of one account that kept losing the race after the retries.
	{Err: account.ErrAlreadyChanged, Answer: api.Unavailable()},
}

// domainError is the table's answer to err, or err itself.
func domainError(err error) error { return errorTable.Answer(err) }
