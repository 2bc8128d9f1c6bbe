package openapi

// The answers of the account creation flows (shared/accountapi/creation.go
// renders them).

func creationSchemas(m map[string]obj) {
	m["CreationRequestToken"] = object("An `account_creation_request_token`, to be validated by a human at `validation_url`.",
		prop{"token", typed("string", "13 characters.")},
		prop{"validation_url", typed("string", "`{APP_URL}/creation_token/check/{token}`; without APP_URL, on the URL the request came in on.")})
	m["CreationToken"] = object("An `account_creation_token`: it creates one account.",
		prop{"token", typed("string", "13 characters.")}, prop{"ip", typed("string", "")},
		prop{"user_agent", orNull("string", "")})
	m["AccountInfo"] = object("Public information about an account.",
		prop{"activated", typed("boolean", "")},
		prop{"realm", orNull("string", "`ACCOUNT_REALM`, or null when it is not set.")})
	m["AccountInfoByPhone"] = object("Public information about the account of a phone number.",
		prop{"activated", typed("boolean", "")},
		prop{"realm", orNull("string", "`ACCOUNT_REALM`, or null when it is not set.")},
		prop{"phone", typed("boolean", "`true` when the phone is the account's alias, `false` when it is its username.")})
	// The recovery variant: the default account whose passwords items
	// also show the hash.
	hashed := accountSchema(accountView{"AccountWithPasswordHashes",
		"An account as recovery answers it: the default serialisation, and each `passwords` item shows the hash.", false, true})
	if props, ok := hashed.get("properties"); ok {
		ps := props.(obj)
		for i := range ps {
			if ps[i].k == "passwords" {
				ps[i].v = with(typed("array", "The stored passwords, with their hashes."), kv{"items", ref("PasswordWithHash")})
			}
		}
	}
	m["AccountWithPasswordHashes"] = hashed
	m["PasswordWithHash"] = object("", prop{"password", typed("string", "The stored hash (hex).")},
		prop{"algorithm", with(typed("string", ""), kv{"enum", []any{"MD5", "SHA-256", "CLRTXT"}})})
}
