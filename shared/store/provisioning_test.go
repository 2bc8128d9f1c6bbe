//go:build integration

package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

var _ provisioning.Store = (*store.Store)(nil)

func TestProvisioningTokenLifecycle(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "provuser", "sip.example.org")
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	first := *a.ProvisioningToken
	if id, err := st.ProvisioningTokenOwner(ctx, first); err != nil || id != a.ID {
		t.Fatalf("owner of the creation token: %d %v", id, err)
	}
	if _, err := st.ProvisioningTokenOwner(ctx, "unknown"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}

	// Renewal: the new marker replaces the old one; a stale read loses.
	now := time.Now().UTC().Truncate(time.Second)
	renewed, err := st.ReplaceProvisioningToken(ctx, a, "SecondToken01", "192.0.2.1", "ua", now)
	if err != nil {
		t.Fatal(err)
	}
	if *renewed.ProvisioningToken != "SecondToken01" {
		t.Fatalf("renewed %v", renewed.ProvisioningToken)
	}
	if _, err := st.ProvisioningTokenOwner(ctx, first); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("the old marker survives: %v", err)
	}
	if _, err := st.ReplaceProvisioningToken(ctx, a, "ThirdToken001", "", "", now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("renewal from a stale read: %v", err)
	}
	if _, err := st.ProvisioningTokenOwner(ctx, "ThirdToken001"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("a failed renewal wrote its marker: %v", err)
	}
	// Consuming the old token fails and writes nothing.
	if _, err := st.ConsumeProvisioningToken(ctx, renewed, first, nil, now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("consume the replaced token: %v", err)
	}

	// Concurrent consumption of the current token: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, losses := 0, 0
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.ConsumeProvisioningToken(ctx, renewed, "SecondToken01", map[string]string{"MD5": "newhash"}, now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, account.ErrAlreadyChanged):
				losses++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || losses != 5 {
		t.Fatalf("wins %d, losses %d", wins, losses)
	}
	got, err := st.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Activated || got.ProvisioningToken != nil || got.Passwords["MD5"] != "newhash" || len(got.Passwords) != 1 {
		t.Fatalf("after consumption: activated %v token %v passwords %v", got.Activated, got.ProvisioningToken, got.Passwords)
	}
	card, err := st.CardBySIP(ctx, a.Username, a.Domain)
	if err != nil || card.Passwords["MD5"] != "newhash" {
		t.Fatalf("the SIP card keeps the old passwords: %v %v", card, err)
	}
	if _, err := st.ProvisioningTokenOwner(ctx, "SecondToken01"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("consumed marker: %v", err)
	}
	// A consumed account can be given a token again (none is current).
	if _, err := st.ReplaceProvisioningToken(ctx, got, "FourthToken01", "", "", now); err != nil {
		t.Fatal(err)
	}
}
