//go:build integration

package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// TestDeletionRemovesTheCreationToken: the account owns the creation
// token it was created with; deleting the account deletes the token, as
// FlexiAPI's foreign key cascade does.
func TestDeletionRemovesTheCreationToken(t *testing.T) {
	e := newCreationEnv(t, nil)
	tok := e.crToken(t)
	r := e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"tokenowner","password":"secret1","account_creation_token":"`+tok+`"}`)
	expect(t, r, 200)
	id := int64(r.JSON(t)["id"].(float64))
	stored, err := e.st.CreationTokenByValue(context.Background(), tok)
	if err != nil || !stored.Used {
		t.Fatalf("the used token: %+v %v", stored, err)
	}
	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", id), ""), 200)
	if _, err := e.st.CreationTokenByValue(context.Background(), tok); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("the token outlived its account: %v", err)
	}
}
