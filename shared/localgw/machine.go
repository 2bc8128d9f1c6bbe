package localgw

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// serveMachine answers as the machine API (an HTTP API) does: route
// matching on its routes, no authorizer (the functions check the key),
// the Lambda proxy integration with payload format 1.0, and its own
// answers for what no function serves.
func (g *Gateway) serveMachine(w http.ResponseWriter, c *call) served {
	body, err := io.ReadAll(http.MaxBytesReader(w, c.r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return served{status: g.machineAnswer(w, c, api.MachineTooLarge()), route: noRoute}
		}
		return served{status: g.machineAnswer(w, c, api.JSON(http.StatusBadRequest, map[string]string{"message": "Bad Request"})), route: noRoute}
	}
	c.body = body
	path, inStage := g.stripStage(c.fullPath)
	c.path = path
	m, merr := g.Table.Match(c.r.Method, path)
	if !inStage || merr != nil {
		// An HTTP API has no 405: a path without this method is no route.
		return served{status: g.machineAnswer(w, c, api.MachineNotFound()), route: noRoute}
	}
	c.resource, c.params = m.Resource, m.GatewayParams
	c.routeKey = m.Route.Method + " " + m.Resource
	fn := g.Functions[m.Route.Group]
	return served{status: g.integrateMachine(w, c, fn), route: m.Route.Path, function: fn.Name}
}

// machineEvent is the HTTP API's payload format 1.0: the REST API's
// shape with "version": "1.0".
type machineEvent struct {
	events.APIGatewayProxyRequest
	Version string `json:"version"`
}

func (g *Gateway) integrateMachine(w http.ResponseWriter, c *call, fn *Function) int {
	ev := machineEvent{APIGatewayProxyRequest: c.proxyEvent(nil), Version: "1.0"}
	ev.RequestContext.ResourceID = ""
	payload, err := json.Marshal(ev)
	if err != nil {
		g.Logger.Error("marshal proxy event", "request_id", c.requestID, "error", err.Error())
		return g.machineAnswer(w, c, api.MachineServerError())
	}
	out, fnErr, err := fn.Invoke(context.WithoutCancel(c.r.Context()), payload)
	switch {
	case errors.Is(err, ErrTimeout):
		g.Logger.Error("integration timeout", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		c.integrationError = "Integration timeout"
		return g.machineAnswer(w, c, api.MachineUnavailable())
	case err != nil:
		g.Logger.Error("integration failed", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		c.integrationError = "Internal Server Error"
		return g.machineAnswer(w, c, api.MachineServerError())
	case fnErr != nil:
		g.Logger.Error("function error", "request_id", c.requestID, "function", fn.Name,
			"error_type", fnErr.Type, "error", fnErr.Message)
		c.integrationError = "The Lambda function returned an error"
		return g.machineAnswer(w, c, api.MachineServerError())
	}
	resp, err := convertResponse(out, false)
	if err != nil {
		g.Logger.Error("integration response", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		c.integrationError = "Malformed Lambda proxy response"
		return g.machineAnswer(w, c, api.MachineServerError())
	}
	g.write(w, c, resp.status, resp.header, resp.body)
	return resp.status
}

// machineAnswer writes one of the HTTP API's own answers.
func (g *Gateway) machineAnswer(w http.ResponseWriter, c *call, r *api.Response) int {
	g.write(w, c, r.Status, r.Header, r.Body)
	return r.Status
}

// accessLog writes the machine API's access log line, in the stack's
// format (api.MachineAccessLog); "-" stands for an empty value, as in
// API Gateway's logs.
func (g *Gateway) accessLog(c *call, s served) {
	if g.AccessLog == nil {
		return
	}
	vals := map[string]string{
		"$context.requestId":               c.requestID,
		"$context.identity.sourceIp":       c.sourceIP,
		"$context.routeKey":                c.routeKey,
		"$context.status":                  strconv.Itoa(s.status),
		"$context.protocol":                c.r.Proto,
		"$context.integrationErrorMessage": c.integrationError,
	}
	line := map[string]string{}
	keys := make([]string, 0, len(api.MachineAccessLog))
	for _, f := range api.MachineAccessLog {
		v := vals[f.Var]
		if v == "" {
			v = "-"
		}
		line[f.Key] = v
		keys = append(keys, f.Key)
	}
	// In the format's order, as the stage writes it.
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(line[k])
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteString("}\n")
	g.accessMu.Lock()
	defer g.accessMu.Unlock()
	_, _ = io.WriteString(g.AccessLog, b.String())
}
