//go:build integration

package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// internalTable is testenv.Table for this package's internal tests
// (testenv imports store).
func internalTable(t *testing.T) *Store {
	t.Helper()
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		t.Fatal("AWS_ENDPOINT_URL_DYNAMODB is not set: use `make test` (or `go run ./cmd/devstack exec -- go test -tags integration ./...`)")
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1"} {
		if os.Getenv(k) == "" {
			t.Setenv(k, v)
		}
	}
	ctx := context.Background()
	name := fmt.Sprintf("internal-%d", time.Now().UnixNano())
	s, err := New(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureTable(ctx, s.Client(), name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Client().DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return s
}

// An item written with ownedRefPut in its transaction is deleted with the
// account; the same item without a reference is not.
func TestOwnedRefIsDeletedWithTheAccount(t *testing.T) {
	s := internalTable(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	a := &account.Account{Username: "owner", Domain: "sip.example.org", CreatedAt: now, UpdatedAt: now,
		Passwords: map[string]string{"MD5": "x"}}
	if err := s.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	id := a.ID // the store gave it
	owned := key("THING#owned", "THING")
	other := key("THING#other", "THING")
	if err := s.transact(ctx, []types.TransactWriteItem{
		put(s.table, owned, "", nil), s.ownedRefPut(id, owned), put(s.table, other, "", nil),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, a, false, now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	exists := func(k map[string]types.AttributeValue) bool {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item != nil
	}
	if exists(owned) || !exists(other) {
		t.Fatalf("owned item remains: %v; unrelated item deleted: %v", exists(owned), !exists(other))
	}
	if exists(key(pfxAccount+strings.TrimPrefix(getS(accountKey(id), "PK"), pfxAccount), "OWNS#THING#owned#THING")) {
		t.Fatal("the reference remains")
	}
}
