package api

import (
	"net/http"
	"strings"
)

// AccessLogField is one member of an access log line: its key and the
// API Gateway context variable that fills it.
type AccessLogField struct {
	Key, Var string
}

// MachineAccessLog is the machine API's access log line: the CDK stack
// gives it to the HTTP API's stage, and the local gateway writes the same
// line. It holds no query string and no path (the secret of the SIP check
// travels in the query; the route key names the route), so no secret can
// reach it; the errors are API Gateway's own messages. It is short on
// purpose (Flexisip's events are its volume): the function's own line has
// the duration and the account.
var MachineAccessLog = []AccessLogField{
	{"id", "$context.requestId"},
	{"ip", "$context.identity.sourceIp"},
	{"route", "$context.routeKey"},
	{"status", "$context.status"},
	{"proto", "$context.protocol"},
	{"err", "$context.integrationErrorMessage"},
}

// MachineAccessLogFormat is MachineAccessLog as the stage's format: a
// JSON object whose values are the variables, as strings.
func MachineAccessLogFormat() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range MachineAccessLog {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.Key + `":"` + f.Var + `"`)
	}
	b.WriteByte('}')
	return b.String()
}

// The machine API's own answers: an HTTP API has no gateway responses to
// shape them (MachineNotFound, in router.go, is its 404).
var (
	MachineTooLarge    = machineMessage(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
	MachineServerError = machineMessage(http.StatusInternalServerError, "Internal Server Error")
	MachineUnavailable = machineMessage(http.StatusServiceUnavailable, "Service Unavailable")
	MachineThrottled   = machineMessage(http.StatusTooManyRequests, "Too Many Requests")
)

func machineMessage(status int, msg string) func() *Response {
	return func() *Response { return JSON(status, map[string]string{"message": msg}) }
}
