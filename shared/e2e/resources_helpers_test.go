//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// setDTMF sets (or clears, with "") an account's dtmf_protocol directly in
// the table, as FlexiAPI's tests set model attributes.
func (e *env) setDTMF(id int64, protocol string) {
	e.t.Helper()
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(e.st.Table()),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("ACCOUNT#%d", id)},
			"SK": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression: aws.String("REMOVE dtmf_protocol"),
	}
	if protocol != "" {
		in.UpdateExpression = aws.String("SET dtmf_protocol = :p")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: protocol}}
	}
	if _, err := e.st.Client().UpdateItem(context.Background(), in); err != nil {
		e.t.Fatal(err)
	}
}

// stored reads an account as the table holds it.
func (e *env) stored(id int64) *account.Account {
	e.t.Helper()
	a, err := e.st.AccountByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// directContacts and attachedLists read an account's links in the table.
func (e *env) links(id int64) (contacts, lists []int64) {
	e.t.Helper()
	c, l, err := e.st.ContactSources(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c, l
}

func (e *env) members(listID int64) []int64 {
	e.t.Helper()
	m, err := e.st.MemberIDs(context.Background(), listID)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// partition counts the items of a partition (what a test must find empty).
func (e *env) partition(pk string) int {
	e.t.Helper()
	out, err := e.st.Client().Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(e.st.Table()),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		Select:                    types.SelectCount,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return int(out.Count)
}

// index counts the entries of a GSI1 partition.
func (e *env) index(pk string) int {
	e.t.Helper()
	out, err := e.st.Client().Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(e.st.Table()),
		IndexName:                 aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		Select:                    types.SelectCount,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return int(out.Count)
}

// array decodes a JSON array of objects.
func (r response) array(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("body is not a JSON array of objects (%d): %q", r.Status, r.Body)
	}
	return out
}

// usernames lists the username of each object.
func usernamesOf(items []map[string]any) string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it["username"]))
	}
	return strings.Join(out, " ")
}

// expectText fails unless the answer is FlexiAPI's bare text (text/html).
func expectText(t *testing.T, r response, status int, body string) {
	t.Helper()
	if r.Status != status || r.Body != body || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %q %q, want %d %q (text/html)", r.Status, r.Header.Get("Content-Type"), r.Body, status, body)
	}
}

func idsOf(items []map[string]any) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, int64(it["id"].(float64)))
	}
	return out
}

// elements splits a JSON array into its raw elements (to check key order).
func elements(t *testing.T, body string) []string {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil || len(raw) == 0 {
		t.Fatalf("not a non-empty JSON array: %q", body)
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = string(r)
	}
	return out
}
