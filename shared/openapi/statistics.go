package openapi

// The statistics answers (shared/statsapi renders them).

func statisticsSchemas(m map[string]obj) {
	m["Accepted"] = object("Flexisip's conference events are accepted and not stored (machine API).",
		prop{"message", typed("string", "`Conference events are not stored.`")})
	optTS := func(desc string) obj { return with(orNull("string", desc), kv{"format", "date-time"}) }
	m["StatisticsMessageDevice"] = object("A recipient device of a message (201: inserted; 200: updated, keys in another order).",
		prop{"id", typed("integer", "A stable number derived from the message, recipient and device.")},
		prop{"message_id", typed("string", "")}, prop{"to_username", typed("string", "")}, prop{"to_domain", typed("string", "")},
		prop{"device_id", typed("string", "")},
		prop{"last_status", obj{{"type", []any{"integer", "string"}}, {"description", "As sent: a number or a numeric string."}}},
		prop{"received_at", timestamp()}, prop{"created_at", timestamp()}, prop{"updated_at", timestamp()})
	m["StatisticsCallDevice"] = object("A callee device of a call (201: inserted; 200: updated, keys in another order).",
		prop{"id", typed("integer", "A stable number derived from the call and device.")},
		prop{"call_id", typed("string", "")}, prop{"device_id", typed("string", "")},
		prop{"rang_at", optTS(descTimestamp)}, prop{"invite_terminated_at", optTS(descTimestamp)},
		prop{"invite_terminated_state", orNull("string", "")},
		prop{"created_at", timestamp()}, prop{"updated_at", timestamp()})
	m["StatisticsCall"] = object("A call.",
		prop{"id", typed("string", "")}, prop{"from_username", typed("string", "")}, prop{"from_domain", typed("string", "")},
		prop{"to_username", typed("string", "")}, prop{"to_domain", typed("string", "")},
		prop{"initiated_at", timestamp()}, prop{"ended_at", optTS(descTimestamp)}, prop{"conference_id", orNull("string", "")},
		prop{"created_at", timestamp()}, prop{"updated_at", timestamp()})
	count := func() obj { return typed("integer", "") }
	m["StatisticsCounts"] = object("Counts of a domain's calls and messages per bucket.",
		prop{"domain", typed("string", "")}, prop{"from", timestamp()}, prop{"to", timestamp()},
		prop{"by", with(typed("string", ""), kv{"enum", []any{"day", "hour"}})},
		prop{"data", with(typed("array", "Every bucket of the period, in order."), kv{"items", object("",
			prop{"moment", typed("string", "`YYYY-MM-DD` or `YYYY-MM-DD HH` (UTC).")},
			prop{"calls", object("", prop{"total", count()}, prop{"answered", count()}, prop{"missed", count()}, prop{"failed", count()},
				prop{"in_progress", typed("integer", "Calls no device has reported the end of its invitation for yet (ringing).")})},
			prop{"messages", object("", prop{"total", count()}, prop{"delivered", count()}, prop{"failed", count()}, prop{"pending", count()})},
		)})})
}
