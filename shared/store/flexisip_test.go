//go:build integration

package store_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestEnsureTableEnablesTheStream: a table made before the stream existed
// (a developer's .local/dynamodb-data) gets it, NEW_AND_OLD_IMAGES, from
// EnsureTable; a second run changes nothing.
func TestEnsureTableEnablesTheStream(t *testing.T) {
	testenv.Table(t) // the emulator is there, credentials set
	name := testenv.UniqueName("nostream")
	st, err := store.New(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	in := store.CreateTableInput(name)
	in.StreamSpecification = nil
	if _, err := st.Client().CreateTable(ctx, in); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Client().DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}) })
	if arn, err := st.StreamARN(ctx); err != nil || arn != "" {
		t.Fatalf("a table without stream: %q %v", arn, err)
	}
	for i := 0; i < 2; i++ {
		if _, err := store.EnsureTable(ctx, st.Client(), name); err != nil {
			t.Fatal(err)
		}
	}
	out, err := st.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	spec := out.Table.StreamSpecification
	if spec == nil || !aws.ToBool(spec.StreamEnabled) || spec.StreamViewType != "NEW_AND_OLD_IMAGES" {
		t.Fatalf("stream %+v", spec)
	}
	if arn, err := st.StreamARN(ctx); err != nil || arn == "" {
		t.Fatalf("stream ARN %q %v", arn, err)
	}
}

// TestAccountsAfter: every account, by id, in pages; a deleted one is
// skipped without shortening its page into a "last page".
func TestAccountsAfter(t *testing.T) {
	st := testenv.Table(t)
	var ids []int64
	for _, n := range []string{"pagea1", "pageb2", "pagec3", "paged4", "pagee5"} {
		a := newAccount(t, st, n, "sip.example.org")
		if err := st.CreateAccount(ctx, a, false); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	gone, err := st.AccountByID(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAccount(ctx, gone, false, time.Now(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	var got []int64
	var after int64
	for pages := 0; ; pages++ {
		page, err := st.AccountsAfter(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			got = append(got, a.ID)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].ID
		if pages > 5 {
			t.Fatal("no end")
		}
	}
	want := []int64{ids[0], ids[2], ids[3], ids[4]}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
