package openapi

// resourcesSchemas are the response shapes of contacts, contacts lists,
// account types, actions and the dictionary (shared/resourceapi).
func resourcesSchemas(m map[string]obj) {
	m["Contact"] = object("A contact as the user endpoints show it: never another account's secrets (no provisioning token, "+
		"password algorithms, email, phone or confirmation data).",
		prop{"id", typed("integer", "")}, prop{"username", typed("string", "")}, prop{"domain", typed("string", "")},
		prop{"activated", typed("boolean", "")},
		prop{"dtmf_protocol", with(orNull("string", ""), kv{"enum", []any{"sipinfo", "rfc2833", "sipmessage", nil}})},
		prop{"display_name", orNull("string", "")},
		prop{"types", with(typed("array", ""), kv{"items", ref("AccountType")})},
		prop{"actions", with(typed("array", "Always empty when `dtmf_protocol` is null."), kv{"items", ref("AccountAction")})})
	m["ContactsList"] = object("A contacts list. `contacts_count` counts the members the caller's domain scope sees "+
		"(`0` on creation).",
		prop{"id", typed("integer", "")}, prop{"title", typed("string", "")}, prop{"description", orNull("string", "")},
		prop{"created_at", timestamp()}, prop{"updated_at", timestamp()}, prop{"contacts_count", typed("integer", "")})
	m["DictionaryValue"] = object("", prop{"value", typed("string", "")})
}

// arrayOf is an array of a component.
func arrayOf(component string) obj {
	return obj{{"type", "array"}, {"items", ref(component)}}
}
