package openapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

// withStatistics adds the statistics group's request schemas, as the meta
// function links them.
func withStatistics(base api.Schemas) api.Schemas {
	out := api.Schemas{}
	for _, part := range []api.Schemas{base, statsapi.Schemas()} {
		for k, v := range part {
			out[k] = v
		}
	}
	return out
}

// TestAdditionMarked: a route marked Addition carries x-addition in the
// document and the "Addition" badge on the page; the others do not.
func TestAdditionMarked(t *testing.T) {
	table := api.MustTable([]api.Route{
		{Method: "GET", Path: "/api/statistics/counts", Group: "g", Access: api.Admin, Handler: "Counts", Tag: "Statistics",
			Summary: "Counts.", Status: 200, Response: "StatisticsCounts", Addition: true},
		{Method: "PATCH", Path: "/api/statistics/calls/{call_id}", Group: "g", Access: api.Admin, Handler: "End", Tag: "Statistics",
			Summary: "End.", Body: stats.BodyCallEnd, Params: map[string]string{"call_id": "the call id"}, Status: 200, Response: "StatisticsCall"},
	})
	doc, err := Document(table, statsapi.Schemas(), testInfo)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if d.Paths["/api/statistics/counts"]["get"]["x-addition"] != true {
		t.Error("the addition is not marked in the document")
	}
	if _, ok := d.Paths["/api/statistics/calls/{call_id}"]["patch"]["x-addition"]; ok {
		t.Error("a FlexiAPI route is marked as an addition")
	}
	page, err := Page(table, statsapi.Schemas(), testInfo)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "Addition (not in FlexiAPI)"); n != 1 {
		t.Errorf("%d addition badges on the page, want 1", n)
	}
}
