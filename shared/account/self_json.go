package account

import "github.com/flexiapi-serverless/flexiapi/shared/jsonw"

// appendEmailChange writes the pending email change as FlexiAPI shows it
// (the code, id and account_id hidden), or null.
func appendEmailChange(b []byte, c *PendingChange) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"email":`...)
	b = jsonw.AppendString(b, c.Value)
	b = appendKey(b, "created_at")
	b = jsonw.AppendString(b, Timestamp(c.CreatedAt))
	b = appendKey(b, "updated_at")
	b = jsonw.AppendString(b, Timestamp(c.UpdatedAt))
	b = appendKey(b, "ip")
	if c.IP == "" { // an imported row from before FlexiAPI kept the IP
		b = append(b, "null"...)
	} else {
		b = jsonw.AppendString(b, c.IP)
	}
	b = appendKey(b, "user_agent")
	if c.UserAgent == "" {
		return append(b, "null}"...)
	}
	b = jsonw.AppendString(b, c.UserAgent)
	return append(b, '}')
}
