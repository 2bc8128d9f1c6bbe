package api

// Routes is the route table. Adding an endpoint is one row here plus its
// handler in the group's handler map; the Lambda routers, the local
// gateway, the CDK stack and the OpenAPI document all follow.
//
// Paths use FlexiAPI's documented parameter names. Rows are in the order of
// FlexiAPI's documentation (../shared/spec/api-doc.md).
var Routes = LazyTable([]Route{
	// Ping and the API's own documentation.
	{Method: "GET", Path: "/api/ping", Group: GroupMeta, Access: Public, Handler: "Ping",
		Tag: "Ping", Summary: "Returns `pong`.", Status: 200, Response: "text"},
	{Method: "GET", Path: "/api", Group: GroupMeta, Access: Public, Handler: "Documentation",
		Tag: "Documentation", Summary: "This documentation, as an HTML page.",
		Description: "Generated from the route table and the validation rules that run.",
		Status:      200, Response: "html"},
	{Method: "GET", Path: "/api/openapi.json", Group: GroupMeta, Access: Public, Handler: "OpenAPI",
		Tag: "Documentation", Summary: "This documentation, as an OpenAPI 3.1 document.",
		Description: "Generated from the route table and the validation rules that run.",
		Status:      200, Response: "OpenAPI"},

	// Auth tokens and API keys.
	{Method: "POST", Path: "/api/accounts/auth_token", Group: GroupAccounts, Access: Public, Handler: "AuthTokenCreate",
		Tag: "Auth Tokens", Summary: "Generate an `auth_token`, valid 5 minutes, to be attached to an account.",
		Status: 201, Response: "AuthToken"},
	{Method: "GET", Path: "/api/accounts/auth_token/{auth_token}/attach", Group: GroupAccounts, Access: User, Handler: "AuthTokenAttach",
		Tag: "Auth Tokens", Summary: "Attach a publicly generated `auth_token` to the authenticated account.",
		Description: "Return `404` if the token is non existing, expired or already attached.",
		Params:      map[string]string{"auth_token": "the token returned by `POST /accounts/auth_token`"},
		Status:      200, Response: "empty"},
	{Method: "GET", Path: "/api/accounts/me/api_key/{auth_token}", Group: GroupAccounts, Access: Public, Handler: "APIKeyFromAuthToken",
		Tag: "Accounts", Summary: "Exchange an attached `auth_token` for a fresh API key (also set as the `x-api-key` cookie).",
		Description: "Return `404` if the token is invalid or not attached. The token is single use.",
		Params:      map[string]string{"auth_token": "an attached `auth_token`"},
		Status:      200, Response: "APIKey"},
	{Method: "GET", Path: "/api/accounts/me/api_key", Group: GroupAccounts, Access: User, Handler: "APIKeyRefresh",
		Tag: "Accounts", Summary: "Generate and return a fresh API key (raw text), also set as the `x-api-key` cookie.",
		Description: "The previous key of the account, including the one used for this request, stops working.",
		Status:      200, Response: "text"},

	// Accounts.
	{Method: "GET", Path: "/api/accounts/me", Group: GroupAccounts, Access: User, Handler: "AccountMe",
		Tag: "Accounts", Summary: "Retrieve the authenticated account.", Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts", Group: GroupAccounts, Access: Admin, Handler: "AccountCreate",
		Tag: "Accounts", Summary: "Create an account.", Body: "account.create",
		Description: "If `activated` is not `true`, a random `confirmation_key` is returned; `confirmation_key_expires` sets its expiry.",
		Status:      200, Response: "AccountWithConfirmationKey"},
	{Method: "PUT", Path: "/api/accounts/{id}", Group: GroupAccounts, Access: Admin, Handler: "AccountUpdate",
		Tag: "Accounts", Summary: "Update an existing account: a full replacement.", Body: "account.update",
		Description: "Omitted `email`, `display_name`, `dtmf_protocol`, `phone` and `admin` are cleared; the password is always replaced; " +
			"`activated` is ignored. Return `404` if the account does not exist (or is in another domain for a single-domain admin).",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "AccountWithConfirmationKey"},
	{Method: "GET", Path: "/api/accounts", Group: GroupAccounts, Access: Admin, Handler: "AccountIndex",
		Tag: "Accounts", Summary: "Retrieve all the accounts, paginated (20 per page, `?page=N`).",
		Status: 200, Response: "AccountPage"},
	{Method: "GET", Path: "/api/accounts/{id}", Group: GroupAccounts, Access: Admin, Handler: "AccountShow",
		Tag: "Accounts", Summary: "Retrieve a specific account.",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "AccountShow"},
	{Method: "GET", Path: "/api/accounts/{sip}/search", Group: GroupAccounts, Access: Admin, Handler: "AccountSearch",
		Tag: "Accounts", Summary: "Search for a specific account by sip address.",
		Description: "Return `404` if no visible account has this address.",
		Params:      map[string]string{"sip": "`username@domain`"}, Status: 200, Response: "Account"},
	{Method: "GET", Path: "/api/accounts/{email}/search-by-email", Group: GroupAccounts, Access: Admin, Handler: "AccountSearchByEmail",
		Tag: "Accounts", Summary: "Search for a specific account by email.",
		Description: "The first visible account (lowest id) with this email; `404` if none.",
		Params:      map[string]string{"email": "the email address"}, Status: 200, Response: "Account"},
	{Method: "DELETE", Path: "/api/accounts/{id}", Group: GroupAccounts, Access: Admin, Handler: "AccountDestroy",
		Tag: "Accounts", Summary: "Delete a specific account and its related information.",
		Description: "The username stays reserved (tombstone) for `ACCOUNT_TOMBSTONE_DAYS` days.",
		Params:      map[string]string{"id": "the account id"}, Status: 200, Response: "empty"},
	{Method: "POST", Path: "/api/accounts/{id}/activate", Group: GroupAccounts, Access: Admin, Handler: "AccountActivate",
		Tag: "Accounts", Summary: "Activate an account.",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts/{id}/deactivate", Group: GroupAccounts, Access: Admin, Handler: "AccountDeactivate",
		Tag: "Accounts", Summary: "Deactivate an account.",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts/{id}/block", Group: GroupAccounts, Access: Admin, Handler: "AccountBlock",
		Tag: "Accounts", Summary: "Block an account: it can no longer use the API (403 `Account blocked`).",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts/{id}/unblock", Group: GroupAccounts, Access: Admin, Handler: "AccountUnblock",
		Tag: "Accounts", Summary: "Unblock an account.",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account"},
})
