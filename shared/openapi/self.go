package openapi

// selfSchemas are the response shapes of the account's own endpoints
// (shared/accountapi/self.go).
func selfSchemas(m map[string]obj) {
	m["Device"] = object("A device registered in Flexisip's registrar.",
		prop{"uuid", typed("string", "The device's `+sip.instance`, such as `urn:uuid:…`.")},
		prop{"update_time", timestamp()},
		prop{"user_agent", orNull("string", "")})
	m["Devices"] = with(typed("object", "The devices keyed by uuid (`{}` when there is none)."),
		kv{"additionalProperties", ref("Device")})
}
