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

	// Account creation request tokens and account creation tokens, the
	// request-token validation page (FlexiAPI's web route, an HTML form) and the
	// 2021 push token route (an alias).
	{Method: "POST", Path: "/api/account_creation_request_tokens", Group: GroupAccounts, Access: Public, Handler: "CreationRequestTokenCreate",
		Tag: "Account Creation Request Tokens", Summary: "Create and return an `account_creation_request_token` that should then be validated to be used.",
		Description: "A human validates it by opening `validation_url` in a browser; it is then exchanged once for an `account_creation_token`.",
		Status:      201, Response: "CreationRequestToken"},
	{Method: "GET", Path: "/creation_token/check/{token}", Group: GroupAccounts, Access: Public, Handler: "CreationTokenCheckPage",
		Tag: "Account Creation Request Tokens", Summary: "The validation page of an `account_creation_request_token` (the `validation_url`): one form, with hCaptcha when configured.",
		Description: "Not under `/api`: a web page. `404` when the token is unknown, used or `WEB_PANEL` is false.",
		Params:      map[string]string{"token": "the `account_creation_request_token`"}, Status: 200, Response: "page",
		Sets:    []Header{csrfCookieHeader},
		Answers: []Answer{{Status: 404, Response: "page", Only: true, Desc: "The token is unknown or used, or `WEB_PANEL` is false: an HTML page."}}},
	{Method: "POST", Path: "/creation_token/check/{token}", Group: GroupAccounts, Access: Public, Handler: "CreationTokenCheckSubmit",
		Tag: "Account Creation Request Tokens", Summary: "Submit the validation form: validates the `account_creation_request_token`.",
		Description: "Form-encoded, from the page only (CSRF-protected: `419` otherwise); `h-captcha-response` is checked when hCaptcha is configured (`422` when it fails).",
		Params:      map[string]string{"token": "the `account_creation_request_token`"}, Status: 200, Response: "page",
		Inputs: []Param{
			{Name: "creation_token_csrf", In: InCookie, Required: true, Desc: "The CSRF cookie the page set."},
			{Name: "_token", In: InForm, Required: true, Desc: "The page's CSRF field."},
			{Name: "account_creation_request_token", In: InForm, Desc: "Sent by the page; the token of the path is the one validated."},
			{Name: "h-captcha-response", In: InForm, Desc: "The hCaptcha answer, checked when `HCAPTCHA_SECRET` and `HCAPTCHA_SITEKEY` are set."},
		},
		Answers: []Answer{
			{Status: 400, Response: "page", Desc: "The body could not be read: an HTML page."},
			{Status: 404, Response: "page", Only: true, Desc: "The token is unknown or used, or `WEB_PANEL` is false: an HTML page."},
			{Status: 419, Response: "page", Desc: "The CSRF cookie or field is missing, wrong or expired (Laravel's \"Page Expired\"): an HTML page."},
			{Status: 422, Response: "page", Desc: "The hCaptcha check failed: the form again, with a new CSRF cookie.", Headers: []Header{csrfCookieHeader}},
		}},
	{Method: "POST", Path: "/api/account_creation_tokens/send-by-push", Group: GroupAccounts, Access: Public, Handler: "CreationTokenSendByPush",
		Tag: "Account Creation Tokens", Summary: "Create and send an `account_creation_token` using a push notification to the device.",
		Description: "Return `429` if a token pushed to this device was used less than `APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES` ago. " +
			"Return `503` if the token was not successfully sent (nothing is stored then).",
		Body: "creation.push", Status: 200, Response: "empty", Answers: pushAnswers},
	{Method: "POST", Path: "/api/account_creation_tokens/using-account-creation-request-token", Group: GroupAccounts, Access: Public, Handler: "CreationTokenFromRequest",
		Tag: "Account Creation Tokens", Summary: "Create an `account_creation_token` using a validated `account_creation_request_token`.",
		Description: "Return `422` if the request token is unknown or used, `404` if it is not validated yet.",
		Body:        "creation.request_token", Status: 201, Response: "CreationToken",
		Answers: []Answer{{Status: 404, Desc: "The request token is not validated yet (`{\"message\": \"\"}`)."}}},
	{Method: "POST", Path: "/api/account_creation_tokens", Group: GroupAccounts, Access: Admin, Handler: "CreationTokenCreate",
		Tag: "Account Creation Tokens", Summary: "Create and return an `account_creation_token`.", Status: 201, Response: "CreationToken"},
	{Method: "POST", Path: "/api/tokens", Group: GroupAccounts, Access: Public, Handler: "CreationTokenSendByPush2021",
		Tag: "Account Creation Tokens", Summary: "2021 alias of `POST /account_creation_tokens/send-by-push` (the Linphone 5.1 client uses it).",
		Body: "creation.push", Status: 200, Response: "empty", Deprecated: true, Answers: pushAnswers},

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
		Status:      200, Response: "APIKey", Sets: []Header{apiKeyCookieHeader}},
	{Method: "GET", Path: "/api/accounts/me/api_key", Group: GroupAccounts, Access: User, Handler: "APIKeyRefresh",
		Tag: "Accounts", Summary: "Generate and return a fresh API key (raw text), also set as the `x-api-key` cookie.",
		Description: "The previous key of the account, including the one used for this request, stops working.",
		Status:      200, Response: "text", Sets: []Header{apiKeyCookieHeader}},

	// Accounts.
	{Method: "GET", Path: "/api/accounts/me", Group: GroupAccounts, Access: User, Handler: "AccountMe",
		Tag: "Accounts", Summary: "Retrieve the authenticated account.", Status: 200, Response: "Account"},
	{Method: "GET", Path: "/api/accounts/me/provision", Group: GroupResources, Access: User, Handler: "AccountProvisionMe",
		Tag: "Accounts", Summary: "Provision the account by generating a fresh `provisioning_token`.",
		Description: "Return the account object. The previous token stops working.", Status: 200, Response: "Account"},
	{Method: "DELETE", Path: "/api/accounts/me", Group: GroupAccounts, Access: User, Handler: "AccountDeleteMe",
		Tag: "Accounts", Summary: "Delete the account.",
		Description: "Answers `1` (raw text). The username stays reserved (tombstone) for `ACCOUNT_TOMBSTONE_DAYS` days; the statistics are kept.",
		Status:      200, Response: "text"},
	{Method: "POST", Path: "/api/accounts/me/password", Group: GroupAccounts, Access: User, Handler: "AccountPassword",
		Tag: "Accounts", Summary: "Change the account password.", Body: "account.password",
		Description: "Activates the account. `old_password` is required when the account already has a password " +
			"(`422` `Incorrect old password` when it does not match): the answer is then `[]`; a first password answers an empty body " +
			"and sends the \"Confirmed Registration\" email when the account has an email.",
		Status: 200, Response: "emptyArray",
		Answers: []Answer{{Status: 200, Response: "empty", Desc: "A first password: an empty body."}}},
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
	{Method: "GET", Path: "/api/accounts/{id}/provision", Group: GroupResources, Access: Admin, Handler: "AccountProvision",
		Tag: "Accounts", Summary: "Provision an account by generating a fresh `provisioning_token`.",
		Description: "Return the account object. The previous token stops working.",
		Params:      map[string]string{"id": "the account id"}, Status: 200, Response: "Account"},
	{Method: "GET", Path: "/api/accounts/{id}/activate", Group: GroupAccounts, Access: Admin, Handler: "AccountActivate2021",
		Tag: "Accounts", Summary: "2021 alias of `POST /accounts/{id}/activate` (the Linphone 5.1 client uses it).",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account", Deprecated: true},
	{Method: "GET", Path: "/api/accounts/{id}/deactivate", Group: GroupAccounts, Access: Admin, Handler: "AccountDeactivate2021",
		Tag: "Accounts", Summary: "2021 alias of `POST /accounts/{id}/deactivate` (the Linphone 5.1 client uses it).",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Account", Deprecated: true},

	// Accounts: public creation and information (then the dangerous
	// endpoints, gated by APP_DANGEROUS_ENDPOINTS), FlexiAPI's order. They
	// come after the admin rows so that {id} stays the gateway's name of
	// the /api/accounts/{…} variable.
	{Method: "POST", Path: "/api/accounts/public", Group: GroupAccounts, Access: Public, Handler: "AccountCreatePublic",
		Tag: "Accounts", Summary: "Create an account (unsecure).",
		Description: "With `phone`, the phone becomes the account's alias and an SMS carries the confirmation PIN. Return `422` if the parameters are invalid.",
		Body:        "creation.public", Status: 200, Response: "Account", Deprecated: true, Gate: GateDangerous,
		Answers: []Answer{{Status: 429, Desc: "With `phone`: the number already received `SMS_MAX_PER_PHONE_PER_HOUR` SMS this hour."},
			{Status: 503, Desc: "With `phone`: the SMS could not be sent (nothing is written, the token stays unused)."}}},
	{Method: "POST", Path: "/api/accounts/with-account-creation-token", Group: GroupAccounts, Access: Public, Handler: "AccountCreateWithToken",
		Tag: "Accounts", Summary: "Create an account using an `account_creation_token`.",
		Description: "The account is not activated; its `provisioning_token` provisions (and activates) it. The token is single use. Return `422` if the parameters are invalid or the token unknown or used.",
		Body:        "creation.with_token", Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts/with-token", Group: GroupAccounts, Access: Public, Handler: "AccountCreateWithToken2021",
		Tag: "Accounts", Summary: "2021 alias of `POST /accounts/with-account-creation-token`, whose token field is `token` (the Linphone 5.1 client uses it).",
		Body: "creation.with_token_2021", Status: 200, Response: "Account", Deprecated: true},
	{Method: "GET", Path: "/api/accounts/{sip}/info", Group: GroupAccounts, Access: Public, Handler: "AccountInfo",
		Tag: "Accounts", Summary: "Retrieve public information about the account.", Description: "Return `404` if the account doesn't exist.",
		Params: map[string]string{"sip": "`username@domain`"}, Status: 200, Response: "AccountInfo"},
	{Method: "GET", Path: "/api/accounts/{phone}/info-by-phone", Group: GroupAccounts, Access: Public, Handler: "AccountInfoByPhone",
		Tag: "Accounts", Summary: "Retrieve public information about the account of a phone number (unsecure).",
		Description: "Return `404` if the account doesn't exist; `phone` is `true` when the phone is the account's alias.",
		Params:      map[string]string{"phone": "a phone number starting with `+`"}, Status: 200, Response: "AccountInfoByPhone", Deprecated: true, Gate: GateDangerous,
		Answers: []Answer{{Status: 422, Response: "ValidationError", Desc: "`phone` does not start with `+`."}}},
	{Method: "POST", Path: "/api/accounts/recover-by-phone", Group: GroupAccounts, Access: Public, Handler: "AccountRecoverByPhone",
		Tag: "Accounts", Summary: "Send a SMS with a recovery PIN code to the `phone` number provided (unsecure).",
		Description: "Return `404` if the account doesn't exist. Uses (consumes) the `account_creation_token`.",
		Body:        "creation.recover_by_phone", Status: 200, Response: "empty", Deprecated: true, Gate: GateDangerous,
		Answers: []Answer{{Status: 404, Desc: "No account has this phone."},
			{Status: 429, Desc: "The number already received `SMS_MAX_PER_PHONE_PER_HOUR` SMS this hour."},
			{Status: 503, Desc: "The SMS could not be sent (nothing is written, the token stays unused)."}}},
	{Method: "GET", Path: "/api/accounts/{sip}/recover/{recover_key}", Group: GroupAccounts, Access: Public, Handler: "AccountRecover",
		Tag: "Accounts", Summary: "Activate the account if the correct `recover_key` is provided (unsecure).",
		Description: "`sip` can be the SIP address or the phone-based one (`+phone@domain`). Returns the account with its password hashes. The key is single use. Return `404` if the account doesn't exist or the key is wrong.",
		Params:      map[string]string{"sip": "`username@domain` or `+phone@domain`", "recover_key": "the key (PIN) received"},
		Status:      200, Response: "AccountWithPasswordHashes", Deprecated: true, Gate: GateDangerous},
	{Method: "POST", Path: "/api/accounts/{sip}/activate/email", Group: GroupAccounts, Access: Public, Handler: "AccountActivateEmail",
		Tag: "Accounts", Summary: "Activate an account using a secret code received by email.",
		Description: "Return `404` if the account doesn't exist or if the code is incorrect, `403` if it expired, the validated account otherwise.",
		Params:      map[string]string{"sip": "`username@domain`"}, Body: "creation.activate_email", Status: 200, Response: "Account", Deprecated: true,
		Answers: []Answer{{Status: 403, Desc: "`Activation expired`."}}},
	{Method: "POST", Path: "/api/accounts/{sip}/activate/phone", Group: GroupAccounts, Access: Public, Handler: "AccountActivatePhone",
		Tag: "Accounts", Summary: "Activate an account using a PIN code received by phone.",
		Description: "Return `404` if the account doesn't exist or if the code is incorrect, `403` if it expired, the validated account otherwise.",
		Params:      map[string]string{"sip": "`username@domain`"}, Body: "creation.activate_phone", Status: 200, Response: "Account", Deprecated: true,
		Answers: []Answer{{Status: 403, Desc: "`Activation expired`."}}},

	// Accounts email, phone number and devices (the account's own).
	{Method: "POST", Path: "/api/accounts/me/email/request", Group: GroupAccounts, Access: User, Handler: "AccountEmailRequest",
		Tag: "Accounts email", Summary: "Change the account email. An email will be sent to the new email address to confirm the operation.",
		Body: "account.email.request",
		Description: "The email carries a 4-digit code; `GET /accounts/me` shows the pending change as `email_change_code`. " +
			"`403` `Account blocked` when the anti-abuse limit is reached; `503` when the email cannot be sent.",
		Status: 200, Response: "empty",
		Answers: []Answer{{Status: 503, Desc: "`The email could not be sent, try again later.`"}}},
	{Method: "POST", Path: "/api/accounts/me/email", Group: GroupAccounts, Access: User, Handler: "AccountEmailConfirm",
		Tag: "Accounts email", Summary: "Confirm the code received by email and change the email. Activate the account.",
		Body: "account.email.confirm", Addition: true,
		Description: "Return `404` when no change is pending and `403` when the code is wrong (the 5th wrong code cancels the change). Return the updated account.",
		Status:      200, Response: "Account", Answers: codeAnswers},
	{Method: "POST", Path: "/api/accounts/me/phone/request", Group: GroupAccounts, Access: User, Handler: "AccountPhoneRequest",
		Tag: "Accounts phone number", Summary: "Request a specific code by SMS.", Body: "account.phone.request",
		Description: "`403` `Account blocked` when the anti-abuse limit is reached; `429` when the number already received " +
			"`SMS_MAX_PER_PHONE_PER_HOUR` SMS this hour (nothing is sent).",
		Status: 200, Response: "empty",
		Answers: []Answer{{Status: 429, Desc: "The number already received `SMS_MAX_PER_PHONE_PER_HOUR` SMS this hour."},
			{Status: 503, Desc: "The SMS could not be sent: nothing is stored or counted."}}},
	{Method: "POST", Path: "/api/accounts/me/phone", Group: GroupAccounts, Access: User, Handler: "AccountPhoneConfirm",
		Tag: "Accounts phone number", Summary: "Confirm the code received and change the phone number. Activate the account.",
		Body:        "account.phone.confirm",
		Description: "Return `404` when no change is pending and `403` when the code is wrong (the 5th wrong code cancels the change). Return the updated account.",
		Status:      200, Response: "Account", Answers: codeAnswers},
	{Method: "GET", Path: "/api/accounts/me/devices", Group: GroupAccounts, Access: User, Handler: "AccountDevices",
		Tag: "Accounts devices", Summary: "Return the user registered devices.",
		Description: "Read from Flexisip's Redis registrar (`FLEXISIP_REDIS_URL`); `{}` when there is none or no registrar is configured.",
		Status:      200, Response: "Devices"},
	{Method: "DELETE", Path: "/api/accounts/me/devices/{uuid}", Group: GroupAccounts, Access: User, Handler: "AccountDeviceDestroy",
		Tag: "Accounts devices", Summary: "Remove one of the user registered devices.",
		Params: map[string]string{"uuid": "the device's uuid, as listed (`urn:uuid:…`)"}, Status: 200, Response: "empty"},

	// Contacts, dictionary, actions, contacts lists and account types
	// (the resources group: shared/resourceapi).
	{Method: "GET", Path: "/api/accounts/me/contacts", Group: GroupResources, Access: User, Handler: "ContactsMe",
		Tag: "Account contacts", Summary: "Return the user contacts.",
		Description: "The direct contacts and the members of the contacts lists attached to the account, once each, ascending id.",
		Status:      200, Response: "Contacts"},
	{Method: "GET", Path: "/api/accounts/me/contacts/{sip}", Group: GroupResources, Access: User, Handler: "ContactMe",
		Tag: "Account contacts", Summary: "Return a user contact.",
		Params: map[string]string{"sip": "`username@domain` of the contact"}, Status: 200, Response: "Contact"},
	{Method: "GET", Path: "/api/accounts/{id}/contacts", Group: GroupResources, Access: Admin, Handler: "AccountContacts",
		Tag: "Contacts", Summary: "Get all the account contacts.", Description: "The direct contacts only (not the lists' members).",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Accounts"},
	{Method: "GET", Path: "/api/accounts/{id}/contacts/{contact_id}", Group: GroupResources, Access: Admin, Handler: "AccountContact",
		Tag: "Contacts", Summary: "Get one of the account contacts (undocumented in FlexiAPI).",
		Params: map[string]string{"id": "the account id", "contact_id": "the contact's account id"}, Status: 200, Response: "Account"},
	{Method: "POST", Path: "/api/accounts/{id}/contacts/{contact_id}", Group: GroupResources, Access: Admin, Handler: "AccountContactAdd",
		Tag: "Contacts", Summary: "Add a contact to the list.", Description: "Return `403` if it already is a contact.",
		Params: map[string]string{"id": "the account id", "contact_id": "the contact's account id"}, Status: 200, Response: "empty"},
	{Method: "DELETE", Path: "/api/accounts/{id}/contacts/{contact_id}", Group: GroupResources, Access: Admin, Handler: "AccountContactRemove",
		Tag: "Contacts", Summary: "Remove a contact from the list.", Description: "Answers `1`. Return `403` if it is not a contact.",
		Params: map[string]string{"id": "the account id", "contact_id": "the contact's account id"}, Status: 200, Response: "text"},
	{Method: "GET", Path: "/api/accounts/{id}/dictionary", Group: GroupResources, Access: Admin, Handler: "DictionaryIndex",
		Tag: "Dictionary", Summary: "Get all the account dictionary entries.",
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "Dictionary"},
	{Method: "GET", Path: "/api/accounts/{id}/dictionary/{key}", Group: GroupResources, Access: Admin, Handler: "DictionaryShow",
		Tag: "Dictionary", Summary: "Get one entry (undocumented in FlexiAPI).", Description: "An absent key answers 200 with an empty body.",
		Params: map[string]string{"id": "the account id", "key": "the entry key"}, Status: 200, Response: "DictionaryValue",
		Answers: []Answer{{Status: 200, Response: "empty", Desc: "An absent key: an empty body (FlexiAPI's answer)."}}},
	{Method: "POST", Path: "/api/accounts/{id}/dictionary/{key}", Group: GroupResources, Access: Admin, Handler: "DictionarySet",
		Tag: "Dictionary", Summary: "Add or update a new entry to the dictionary.", Body: "dictionary_entry",
		Description: "`201` when the key is new, `200` when its value is replaced. Keys and values are at most 255 characters.",
		Params:      map[string]string{"id": "the account id", "key": "the entry key"}, Status: 201, Response: "DictionaryValue",
		Answers: []Answer{{Status: 200, Response: "DictionaryValue", Desc: "The value of an existing key was replaced."}}},
	{Method: "DELETE", Path: "/api/accounts/{id}/dictionary/{key}", Group: GroupResources, Access: Admin, Handler: "DictionaryRemove",
		Tag: "Dictionary", Summary: "Remove an entry from the dictionary.", Description: "Answers `1`, or `0` when there was no such entry.",
		Params: map[string]string{"id": "the account id", "key": "the entry key"}, Status: 200, Response: "text"},
	{Method: "GET", Path: "/api/accounts/{id}/actions", Group: GroupResources, Access: Admin, Handler: "ActionIndex",
		Tag: "Account Actions", Summary: "Show an account related actions.", Description: msgDTMF,
		Params: map[string]string{"id": "the account id"}, Status: 200, Response: "AccountActions"},
	{Method: "GET", Path: "/api/accounts/{id}/actions/{action_id}", Group: GroupResources, Access: Admin, Handler: "ActionShow",
		Tag: "Account Actions", Summary: "Show an account related action.", Description: msgDTMF,
		Params: map[string]string{"id": "the account id", "action_id": "the action id"}, Status: 200, Response: "AccountAction"},
	{Method: "POST", Path: "/api/accounts/{id}/actions", Group: GroupResources, Access: Admin, Handler: "ActionCreate",
		Tag: "Account Actions", Summary: "Create an account action.", Description: msgDTMF + " The check runs before the body's validation.",
		Body: "account_action", Params: map[string]string{"id": "the account id"}, Status: 201, Response: "AccountAction"},
	{Method: "PUT", Path: "/api/accounts/{id}/actions/{action_id}", Group: GroupResources, Access: Admin, Handler: "ActionUpdate",
		Tag: "Account Actions", Summary: "Update an account action.", Description: msgDTMF + " The check runs before the body's validation.",
		Body: "account_action", Params: map[string]string{"id": "the account id", "action_id": "the action id"}, Status: 200, Response: "AccountAction"},
	{Method: "PATCH", Path: "/api/accounts/{id}/actions/{action_id}", Group: GroupResources, Access: Admin, Handler: "ActionPatch",
		Tag: "Account Actions", Summary: "Update an account action (as `PUT`).", Description: msgDTMF,
		Body: "account_action", Params: map[string]string{"id": "the account id", "action_id": "the action id"}, Status: 200, Response: "AccountAction"},
	{Method: "DELETE", Path: "/api/accounts/{id}/actions/{action_id}", Group: GroupResources, Access: Admin, Handler: "ActionDelete",
		Tag: "Account Actions", Summary: "Delete an account related action.", Description: msgDTMF + " Answers `1`, or `0` when there was no such action.",
		Params: map[string]string{"id": "the account id", "action_id": "the action id"}, Status: 200, Response: "text"},
	{Method: "GET", Path: "/api/contacts_lists", Group: GroupResources, Access: Admin, Handler: "ListIndex",
		Tag: "Contacts Lists", Summary: "Show all the contacts lists.", Status: 200, Response: "ContactsLists"},
	{Method: "GET", Path: "/api/contacts_lists/{id}", Group: GroupResources, Access: Admin, Handler: "ListShow",
		Tag: "Contacts Lists", Summary: "Show a contacts list.",
		Params: map[string]string{"id": "the list id"}, Status: 200, Response: "ContactsList"},
	{Method: "POST", Path: "/api/contacts_lists", Group: GroupResources, Access: Admin, Handler: "ListCreate",
		Tag: "Contacts Lists", Summary: "Create a contacts list.", Body: "contacts_list", Status: 201, Response: "ContactsList"},
	{Method: "PUT", Path: "/api/contacts_lists/{id}", Group: GroupResources, Access: Admin, Handler: "ListUpdate",
		Tag: "Contacts Lists", Summary: "Update a contacts list.", Body: "contacts_list",
		Params: map[string]string{"id": "the list id"}, Status: 200, Response: "ContactsList"},
	{Method: "PATCH", Path: "/api/contacts_lists/{id}", Group: GroupResources, Access: Admin, Handler: "ListPatch",
		Tag: "Contacts Lists", Summary: "Update a contacts list (as `PUT`).", Body: "contacts_list",
		Params: map[string]string{"id": "the list id"}, Status: 200, Response: "ContactsList"},
	{Method: "DELETE", Path: "/api/contacts_lists/{id}", Group: GroupResources, Access: Admin, Handler: "ListDelete",
		Tag: "Contacts Lists", Summary: "Delete a contacts list.", Description: "Answers `1`, or `0` when there was no such list.",
		Params: map[string]string{"id": "the list id"}, Status: 200, Response: "text"},
	{Method: "POST", Path: "/api/contacts_lists/{contacts_list_id}/contacts/{contact_id}", Group: GroupResources, Access: Admin, Handler: "ListMemberAdd",
		Tag: "Contacts Lists", Summary: "Add a contact to the contacts list.", Description: "Return `403` if it already is a member.",
		Params: map[string]string{"contacts_list_id": "the list id", "contact_id": "the contact's account id"}, Status: 200, Response: "empty"},
	{Method: "DELETE", Path: "/api/contacts_lists/{contacts_list_id}/contacts/{contact_id}", Group: GroupResources, Access: Admin, Handler: "ListMemberRemove",
		Tag: "Contacts Lists", Summary: "Remove a contact from the contacts list.", Description: "Answers `1`. Return `403` if it is not a member.",
		Params: map[string]string{"contacts_list_id": "the list id", "contact_id": "the contact's account id"}, Status: 200, Response: "text"},
	{Method: "POST", Path: "/api/accounts/{id}/contacts_lists/{contacts_list_id}", Group: GroupResources, Access: Admin, Handler: "AccountListAttach",
		Tag: "Contacts Lists", Summary: "Add a contacts list to the account.", Description: "Return `403` if it already is attached.",
		Params: map[string]string{"id": "the account id", "contacts_list_id": "the list id"}, Status: 200, Response: "empty"},
	{Method: "DELETE", Path: "/api/accounts/{id}/contacts_lists/{contacts_list_id}", Group: GroupResources, Access: Admin, Handler: "AccountListDetach",
		Tag: "Contacts Lists", Summary: "Remove a contacts list from the account.", Description: "Answers `1`. Return `403` if it is not attached.",
		Params: map[string]string{"id": "the account id", "contacts_list_id": "the list id"}, Status: 200, Response: "text"},
	{Method: "GET", Path: "/api/account_types", Group: GroupResources, Access: Admin, Handler: "TypeIndex",
		Tag: "Account Types", Summary: "Show all the account types.", Status: 200, Response: "AccountTypes"},
	{Method: "GET", Path: "/api/account_types/{id}", Group: GroupResources, Access: Admin, Handler: "TypeShow",
		Tag: "Account Types", Summary: "Show an account type.",
		Params: map[string]string{"id": "the type id"}, Status: 200, Response: "AccountType"},
	{Method: "POST", Path: "/api/account_types", Group: GroupResources, Access: Admin, Handler: "TypeCreate",
		Tag: "Account Types", Summary: "Create an account type.", Body: "account_type.create", Status: 201, Response: "AccountType"},
	{Method: "PUT", Path: "/api/account_types/{id}", Group: GroupResources, Access: Admin, Handler: "TypeUpdate",
		Tag: "Account Types", Summary: "Update an account type.", Body: "account_type.update",
		Params: map[string]string{"id": "the type id"}, Status: 200, Response: "AccountType"},
	{Method: "PATCH", Path: "/api/account_types/{id}", Group: GroupResources, Access: Admin, Handler: "TypePatch",
		Tag: "Account Types", Summary: "Update an account type (as `PUT`).", Body: "account_type.update",
		Params: map[string]string{"id": "the type id"}, Status: 200, Response: "AccountType"},
	{Method: "DELETE", Path: "/api/account_types/{id}", Group: GroupResources, Access: Admin, Handler: "TypeDelete",
		Tag: "Account Types", Summary: "Delete an account type.", Description: "Answers `1`, or `0` when there was no such type.",
		Params: map[string]string{"id": "the type id"}, Status: 200, Response: "text"},
	{Method: "POST", Path: "/api/accounts/{id}/types/{type_id}", Group: GroupResources, Access: Admin, Handler: "AccountTypeAttach",
		Tag: "Account Types", Summary: "Add a type to the account.", Description: "Return `403` if the account already has it.",
		Params: map[string]string{"id": "the account id", "type_id": "the type id"}, Status: 200, Response: "empty"},
	{Method: "DELETE", Path: "/api/accounts/{id}/types/{type_id}", Group: GroupResources, Access: Admin, Handler: "AccountTypeDetach",
		Tag: "Account Types", Summary: "Remove a type from the account.",
		Description: "Answers `1`. Return `403` if the account does not have it. (FlexiAPI's documentation spells this route " +
			"`DELETE /accounts/{id}/contacts/{type_id}`, which is the contact removal; FlexiAPI itself routes `/types/`.)",
		Params: map[string]string{"id": "the account id", "type_id": "the type id"}, Status: 200, Response: "text"},

	// Messages: sent as a SIP MESSAGE, and deployed only when a SIP proxy
	// and a sender are configured (otherwise 404, as FlexiAPI).
	{Method: "POST", Path: "/api/messages", Group: GroupMessages, Access: Admin, Handler: "MessageSend", Gate: GateMessages,
		Tag: "Messages", Summary: "Send a message over SIP.", Body: "messages.send",
		Description: "Sent as a SIP MESSAGE through `SIP_PROXY`, from `SIP_SENDER_URI` (Digest-authenticated). `200` `{\"id\": …}` once the proxy accepted it; " +
			"`422` `{\"message\": reason, \"errors\": [[reason]]}` for a recipient that is not a SIP address (`Bad sip uri.`) or a proxy refusal; " +
			"`503` when the proxy cannot be reached, `504` when it does not answer within `SIP_MESSAGE_TIMEOUT` seconds.",
		Status: 200, Response: "MessageSent",
		Answers: []Answer{
			{Status: 422, Response: "DaemonError", Desc: "A recipient that is not a SIP address (`Bad sip uri.`), or the proxy refused the message."},
			{Status: 503, Desc: "The SIP proxy cannot be reached."},
			{Status: 504, Desc: "The SIP proxy did not answer within `SIP_MESSAGE_TIMEOUT` seconds."},
		}},

	// Flexisip's ExternalAuthentication plugin (machine API, an addition).
	{Method: "GET", Path: "/api/flexisip/auth", Group: GroupExtAuth, Access: Secret, Handler: "FlexisipAuthCheck", APIs: machineOnly,
		Tag: "Flexisip", Summary: "Check the Digest answer of a SIP request for Flexisip's ExternalAuthentication plugin.", Addition: true,
		Description: "Flexisip's `remote-auth-uri` template calls it with the `Authorization` header's parameters as query parameters " +
			"(`username`, `realm`, `nonce`, `uri`, `response`, `cnonce`, `nc`, `qop`, `algorithm`; Flexisip sends `null` for an absent one), " +
			"`method` and `domain`, and `secret`, `FLEXISIP_AUTH_SECRET` (a wrong or missing one is an HTTP `403`). " +
			"The answer is always HTTP `200` `text/plain`, `Key: value` lines: `Status: 200` and `P-Asserted-Identity` for a valid answer " +
			"(MD5 or SHA-256, `qop=auth` or none, the account's stored password and `ACCOUNT_REALM` or its domain as realm); " +
			"`Status: 401` for an unknown account or a wrong answer alike; `Status: 403` with `Phrase` and `Reason` (RFC 3326) for a blocked, " +
			"not activated or expired account, or a replayed `(nonce, nc)`.",
		Status: 200, Response: "ExternalAuth", Inputs: flexisipAuthInputs},

	// Statistics: what Flexisip pushes (FlexiAPI's five routes, on both
	// APIs), the same under Flexisip's default prefix and its conference
	// events (machine API), then our read-back additions.
	{Method: "POST", Path: "/api/statistics/messages", Group: GroupStatistics, Access: Admin, Handler: "StatisticsMessageCreate", APIs: restAndMachine,
		Tag: "Statistics", Summary: "Announce the creation of a message.", Body: "statistics.message",
		Description: "Answers `1`. Re-posting an existing `id` is `200` and changes nothing (first write wins).",
		Status:      200, Response: "text"},
	{Method: "PATCH", Path: "/api/statistics/messages/{message_id}/to/{to}/devices/{device_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsMessageDevice", APIs: restAndMachine,
		Tag: "Statistics", Summary: "Complete a message status.", Body: "statistics.message_device",
		Description: "`201` with the new device row, `200` with the updated one. `404` if the message is unknown.",
		Params: map[string]string{"message_id": "the message id", "to": "the recipient, `username@domain`",
			"device_id": "the recipient device (Flexisip's `+sip.instance`, raw or percent-encoded)"},
		Status: 201, Response: "StatisticsMessageDevice",
		Answers: []Answer{{Status: 200, Response: "StatisticsMessageDevice", Desc: "The device row existed: the updated row."}}},
	{Method: "POST", Path: "/api/statistics/calls", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallCreate", APIs: restAndMachine,
		Tag: "Statistics", Summary: "Announce the beginning of a call.", Body: "statistics.call",
		Description: "Answers `1`. Re-posting an existing `id` is `200` and changes nothing (first write wins).",
		Status:      200, Response: "text"},
	{Method: "PATCH", Path: "/api/statistics/calls/{call_id}/devices/{device_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallDevice", APIs: restAndMachine,
		Tag: "Statistics", Summary: "Complete a call status.", Body: "statistics.call_device",
		Description: "Changes only the fields sent. `201` with the new device row, `200` with the updated one. `404` if the call is unknown.",
		Params:      map[string]string{"call_id": "the call id", "device_id": "the callee device (raw or percent-encoded)"},
		Status:      201, Response: "StatisticsCallDevice",
		Answers: []Answer{{Status: 200, Response: "StatisticsCallDevice", Desc: "The device row existed: the updated row."}}},
	{Method: "PATCH", Path: "/api/statistics/calls/{call_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallEnd", APIs: restAndMachine,
		Tag: "Statistics", Summary: "Update a call when ending.", Body: "statistics.call_end",
		Description: "`404` if the call is unknown.",
		Params:      map[string]string{"call_id": "the call id"}, Status: 200, Response: "StatisticsCall"},
	{Method: "POST", Path: "/api/stats/messages", Group: GroupStatistics, Access: Admin, Handler: "StatisticsMessageCreate", APIs: machineOnly,
		Tag: "Statistics", Summary: "`POST /api/statistics/messages` under Flexisip's default prefix (`/api/stats/`).", Body: "statistics.message",
		Description: msgStatsPrefix, Addition: true, Status: 200, Response: "text"},
	{Method: "PATCH", Path: "/api/stats/messages/{message_id}/to/{to}/devices/{device_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsMessageDevice", APIs: machineOnly,
		Tag: "Statistics", Summary: "`PATCH /api/statistics/messages/{message_id}/to/{to}/devices/{device_id}` under Flexisip's default prefix.", Body: "statistics.message_device",
		Description: msgStatsPrefix, Addition: true,
		Params: map[string]string{"message_id": "the message id", "to": "the recipient, `username@domain`",
			"device_id": "the recipient device (Flexisip's `+sip.instance`, raw or percent-encoded)"},
		Status: 201, Response: "StatisticsMessageDevice",
		Answers: []Answer{{Status: 200, Response: "StatisticsMessageDevice", Desc: "The device row existed: the updated row."}}},
	{Method: "POST", Path: "/api/stats/calls", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallCreate", APIs: machineOnly,
		Tag: "Statistics", Summary: "`POST /api/statistics/calls` under Flexisip's default prefix.", Body: "statistics.call",
		Description: msgStatsPrefix, Addition: true, Status: 200, Response: "text"},
	{Method: "PATCH", Path: "/api/stats/calls/{call_id}/devices/{device_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallDevice", APIs: machineOnly,
		Tag: "Statistics", Summary: "`PATCH /api/statistics/calls/{call_id}/devices/{device_id}` under Flexisip's default prefix.", Body: "statistics.call_device",
		Description: msgStatsPrefix, Addition: true,
		Params: map[string]string{"call_id": "the call id", "device_id": "the callee device (raw or percent-encoded)"},
		Status: 201, Response: "StatisticsCallDevice",
		Answers: []Answer{{Status: 200, Response: "StatisticsCallDevice", Desc: "The device row existed: the updated row."}}},
	{Method: "PATCH", Path: "/api/stats/calls/{call_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCallEnd", APIs: machineOnly,
		Tag: "Statistics", Summary: "`PATCH /api/statistics/calls/{call_id}` under Flexisip's default prefix.", Body: "statistics.call_end",
		Description: msgStatsPrefix, Addition: true,
		Params: map[string]string{"call_id": "the call id"}, Status: 200, Response: "StatisticsCall"},
	{Method: "POST", Path: "/api/statistics/conferences", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference announcement from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true, Status: 202, Response: "Accepted"},
	{Method: "PATCH", Path: "/api/statistics/conferences/{conference_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "The end of a conference, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id"}, Status: 202, Response: "Accepted"},
	{Method: "POST", Path: "/api/statistics/conferences/{conference_id}/participants/{sip}/events", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference participant event, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id", "sip": "the participant, `username@domain`"}, Status: 202, Response: "Accepted"},
	{Method: "POST", Path: "/api/statistics/conferences/{conference_id}/participants/{sip}/devices/{device_id}/events", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference participant device event, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id", "sip": "the participant, `username@domain`",
			"device_id": "the participant's device"}, Status: 202, Response: "Accepted"},
	{Method: "POST", Path: "/api/stats/conferences", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference announcement from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true, Status: 202, Response: "Accepted"},
	{Method: "PATCH", Path: "/api/stats/conferences/{conference_id}", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "The end of a conference, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id"}, Status: 202, Response: "Accepted"},
	{Method: "POST", Path: "/api/stats/conferences/{conference_id}/participants/{sip}/events", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference participant event, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id", "sip": "the participant, `username@domain`"}, Status: 202, Response: "Accepted"},
	{Method: "POST", Path: "/api/stats/conferences/{conference_id}/participants/{sip}/devices/{device_id}/events", Group: GroupStatistics, Access: Admin, Handler: "StatisticsConferenceEvent", APIs: machineOnly,
		Tag: "Statistics", Summary: "A conference participant device event, from Flexisip: accepted, not stored.",
		Description: msgConference, Addition: true,
		Params: map[string]string{"conference_id": "the conference id", "sip": "the participant, `username@domain`",
			"device_id": "the participant's device"}, Status: 202, Response: "Accepted"},
	{Method: "GET", Path: "/api/statistics/counts", Group: GroupStatistics, Access: Admin, Handler: "StatisticsCounts",
		Tag: "Statistics", Summary: "Count the calls and messages of a domain per day or per hour, with their outcomes.", Addition: true,
		Description: "Query: `from`, `to` (required, `YYYY-MM-DD` or ISO 8601; `to` excluded), `by` (`day`, default, up to 366 days; `hour`, up to 31 days), " +
			"`domain` (the senders' domain; default `APP_SIP_DOMAIN`, another one only with `APP_ADMINS_MANAGE_MULTI_DOMAINS`). " +
			"Every bucket of the period is present. A call is `answered` when a device accepted it, `failed` when none did and one ended in error, " +
			"`in_progress` while no device has reported the end of its invitation (and the call has no `ended_at`), `missed` otherwise; " +
			"a message is `delivered` when a device reported a 2xx status, `failed` when devices reported only other statuses, `pending` before any report.",
		Status: 200, Response: "StatisticsCounts",
		Inputs: append(periodInputs, Param{Name: "by", In: InQuery, Enum: []string{"day", "hour"}, Desc: "The bucket: `day` (default, up to 366 days) or `hour` (up to 31 days)."})},
	{Method: "GET", Path: "/api/statistics/export/calls", Group: GroupStatistics, Access: Admin, Handler: "StatisticsExportCalls",
		Tag: "Statistics", Summary: "Export the call log of a period as CSV, page by page.", Addition: true,
		Description: "Query: `from`, `to`, `domain` as for the counts, `per_page` (1 to 1000, default 1000), `cursor` (from the previous page). " +
			"The next page is in the `Link: <…>; rel=\"next\"` header (and `X-Next-Cursor`); the last page has none.",
		Status: 200, Response: "csv", Inputs: exportInputs, Sets: exportHeaders},
	{Method: "GET", Path: "/api/statistics/export/messages", Group: GroupStatistics, Access: Admin, Handler: "StatisticsExportMessages",
		Tag: "Statistics", Summary: "Export the message log of a period as CSV, page by page.", Addition: true,
		Description: "Query and paging as the call export.",
		Status:      200, Response: "csv", Inputs: exportInputs, Sets: exportHeaders},

	// Non-API endpoints (web routes): the vCard export (RFC 6350; 401
	// JSON or one Digest challenge without credentials, never a login
	// page) and Linphone remote provisioning (docs/compatibility.md,
	// "Provisioning and vCard").
	{Method: "GET", Path: "/contacts/vcard", Group: GroupResources, Access: User, Handler: "VCardIndex",
		Tag: "Contacts list", Summary: "Return the authenticated user contacts list, in vCard 4.0 format (RFC 6350).",
		Description: "Direct contacts and members of the attached contacts lists. Without credentials: `401` (one Digest challenge when `From` is sent).",
		Status:      200, Response: "vcard"},
	{Method: "GET", Path: "/contacts/vcard/{sip}", Group: GroupResources, Access: User, Handler: "VCardShow",
		Tag: "Contacts list", Summary: "Return a specific user authenticated contact, in vCard 4.0 format (RFC 6350).",
		Params: map[string]string{"sip": "`username@domain`"}, Status: 200, Response: "vcard"},
	{Method: "GET", Path: "/provisioning", Group: GroupResources, Access: Public, Handler: "ProvisioningBase",
		Tag: "Provisioning", Summary: "The Linphone provisioning XML without an account (the configured linphonerc and the vCard list URL).",
		Description: msgProvisioningHeader, Status: 200, Response: "xml",
		Inputs: []Param{provisioningHeader}, Answers: []Answer{provisioningHeaderMissing}},
	{Method: "GET", Path: "/provisioning/me", Group: GroupResources, Access: User, Handler: "ProvisioningMe",
		Tag: "Provisioning", Summary: "The Linphone provisioning XML of the authenticated account, with its credentials.",
		Description: msgProvisioningHeader + " `?reset_password` replaces the password first.", Status: 200, Response: "xml",
		Inputs: []Param{provisioningHeader, resetPassword}, Answers: []Answer{provisioningHeaderMissing}},
	{Method: "GET", Path: "/provisioning/auth_token/{auth_token}", Group: GroupResources, Access: Public, Handler: "ProvisioningByAuthToken",
		Tag: "Provisioning", Summary: "The Linphone provisioning XML of the account an `auth_token` is attached to; the token is used up.",
		Description: msgProvisioningHeader + " `404` if the token is unknown, older than 5 minutes or not attached.",
		Params:      map[string]string{"auth_token": "an attached `auth_token`"}, Status: 200, Response: "xml",
		Inputs: []Param{provisioningHeader}, Answers: []Answer{provisioningHeaderMissing}},
	{Method: "GET", Path: "/provisioning/qrcode/{provisioning_token}", Group: GroupResources, Access: Public, Handler: "ProvisioningQRCode",
		Tag: "Provisioning", Summary: "A QR code (PNG) of the provisioning URL of a token, also given in the `X-Qrcode-URL` header.",
		Description: "`?reset_password` adds `?reset_password=1` to the URL. Nothing is consumed. `404` if the token is unknown or used.",
		Params:      map[string]string{"provisioning_token": "the account's `provisioning_token`"}, Status: 200, Response: "png",
		Inputs: []Param{resetPassword},
		Sets:   []Header{{Name: "X-Qrcode-URL", Desc: "The provisioning URL the QR code holds."}}},
	{Method: "GET", Path: "/provisioning/{provisioning_token}", Group: GroupResources, Access: Public, Handler: "ProvisioningByToken",
		Tag: "Provisioning", Summary: "The Linphone provisioning XML of the account of a `provisioning_token`: the account is activated and the token used up.",
		Description: msgProvisioningHeader + " `404` if the token is unknown, used, replaced, or its account's activation expired. " +
			"Of two simultaneous downloads of one token, one gets the XML. `?reset_password` replaces the password.",
		Params: map[string]string{"provisioning_token": "the account's `provisioning_token`"}, Status: 200, Response: "xml",
		Inputs: []Param{provisioningHeader, resetPassword}, Answers: []Answer{provisioningHeaderMissing}},
})

// Inputs, headers and answers several rows share.
var (
	// pushAnswers are the creation-token push's own answers.
	pushAnswers = []Answer{
		{Status: 429, Desc: "`Last token requested too recently`: a token pushed to this device was used less than `APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES` ago."},
		{Status: 503, Desc: "`Token not sent`: the push could not be sent (nothing is stored)."},
	}
	// codeAnswers are the answers of a change-code confirmation.
	codeAnswers = []Answer{
		{Status: 403, Desc: "The code is wrong (`{\"message\": \"\"}`)."},
		{Status: 404, Desc: "No change is pending."},
	}
	csrfCookieHeader   = Header{Name: "Set-Cookie", Desc: "`creation_token_csrf=…; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict` (plus `Secure` over HTTPS): the form's CSRF cookie."}
	apiKeyCookieHeader = Header{Name: "Set-Cookie", Desc: "`x-api-key=<key>; Path=/; HttpOnly` (plus `Secure` over HTTPS): the API key as a cookie."}
	provisioningHeader = Param{Name: "x-linphone-provisioning", In: InHeader, RequiredWhen: GateProvisioningHeader,
		Desc: "Any value: tells a Linphone client's request apart."}
	provisioningHeaderMissing = Answer{Status: 400, Desc: "`x-linphone-provisioning header is missing`: nothing happened."}
	resetPassword             = Param{Name: "reset_password", In: InQuery, Desc: "Present (any value): a new password replaces the account's."}
	periodInputs              = []Param{
		{Name: "from", In: InQuery, Required: true, Desc: "The start of the period: `YYYY-MM-DD` or ISO 8601 (UTC when no offset)."},
		{Name: "to", In: InQuery, Required: true, Desc: "The end of the period, excluded."},
		{Name: "domain", In: InQuery, Desc: "The senders' domain: `APP_SIP_DOMAIN` by default; another one only with `APP_ADMINS_MANAGE_MULTI_DOMAINS`."},
	}
	exportInputs = append(append([]Param(nil), periodInputs...),
		Param{Name: "per_page", In: InQuery, Type: "integer", Min: 1, Max: 1000, Desc: "Rows per page (default 1000)."},
		Param{Name: "cursor", In: InQuery, Desc: "The next page's cursor, from the previous page."})
	exportHeaders = []Header{
		{Name: "Content-Disposition", Desc: "`attachment; filename=\"…csv\"`."},
		{Name: "Cache-Control", Desc: "`no-store`."},
		{Name: "Link", Desc: "`<…>; rel=\"next\"`: the next page; absent on the last page."},
		{Name: "X-Next-Cursor", Desc: "The next page's `cursor`; absent on the last page."},
	}
)

// Which APIs serve a route (nil: the REST API only).
var (
	restAndMachine = []API{REST, Machine}
	machineOnly    = []API{Machine}
)

// flexisipAuthInputs are the query parameters of the SIP check: what
// Flexisip's ExternalAuthentication plugin substitutes into its URI
// template (the secret is the flexisipSecret security scheme).
var flexisipAuthInputs = func() []Param {
	var out []Param
	for _, p := range []struct{ name, desc string }{
		{"username", "The `Authorization` header's `username`: the account's username."},
		{"realm", "Its `realm`: `ACCOUNT_REALM`, or the account's domain when unset."},
		{"nonce", "Its `nonce` (Flexisip's own)."},
		{"uri", "Its `uri`."},
		{"response", "Its `response`."},
		{"cnonce", "Its `cnonce`; `null` without qop."},
		{"nc", "Its `nc`; `null` without qop."},
		{"qop", "Its `qop`: `auth`, or `null`."},
		{"algorithm", "Its `algorithm`: `MD5` (also when `null`) or `SHA-256`."},
		{"method", "The SIP request's method."},
		{"domain", "The domain of the `From` URI: the account's domain."},
	} {
		out = append(out, Param{Name: p.name, In: InQuery, Desc: p.desc + " URL-escaped; `null` when absent."})
	}
	return out
}()

// msgStatsPrefix describes the rows under Flexisip's default prefix.
const msgStatsPrefix = "Machine API only: what Flexisip sends when `flexiapi-prefix` is left at its default, `/api/stats/`. " +
	"The same handler, body, rules and answers as the `/api/statistics/` route."

// msgConference describes the conference rows.
const msgConference = "Machine API only. Flexisip (2.4+) sends conference events, which FlexiAPI has no route for: " +
	"after the API key check, any body is answered `202` `{\"message\":\"Conference events are not stored.\"}` and nothing is stored " +
	"(a `404` would count as a client error in the 4xx-rate alarm, which watches for a wrong key or prefix)."

// msgProvisioningHeader is the provisioning routes' header rule.
const msgProvisioningHeader = "Needs the `x-linphone-provisioning` header (any value) unless ACCOUNT_PROVISIONING_USE_X_LINPHONE_PROVISIONING_HEADER is false: `400` without it, and nothing happens."

// msgDTMF is the Account Actions section's rule.
const msgDTMF = "Return `403` (`DTMF Protocol must be configured`) if the account has no DTMF protocol."
