package api

import "github.com/flexiapi-serverless/flexiapi/shared/config"

// GatesOf says which gates a configuration opens. It is the one mapping
// from configuration to gates: the functions' routers (through
// apigw.GateOn), the local gateway and the CDK stack all use it.
func GatesOf(cfg *config.Config) func(Gate) bool {
	return func(g Gate) bool {
		switch g {
		case GateDangerous:
			return cfg.DangerousEndpoints
		case GateMessages:
			return cfg.MessagesConfigured()
		case GateProvisioningHeader:
			return cfg.ProvisioningNeedHeader
		}
		return false
	}
}

// Deployed is the part of the table the REST API serves under a
// configuration: its routes without a gate or with an open one (the
// machine API's routes are Table.On(Machine), which has no gated route). A closed
// route is then not a gateway resource at all, so every method on its
// path reaches the catch-all and answers FlexiAPI's 404 before any
// authorizer runs, as FlexiAPI does for a route it never registered.
// The meta function routes its fallbacks on this table.
func (t *Table) Deployed(gateOn func(Gate) bool) *Table {
	var routes []Route
	for _, r := range t.Routes() {
		if r.On(REST) && (r.Gate == "" || (gateOn != nil && gateOn(r.Gate))) {
			routes = append(routes, r)
		}
	}
	return MustTable(routes)
}
