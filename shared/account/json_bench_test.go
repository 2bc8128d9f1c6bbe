package account_test

import (
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// benchAccount is an account as the API returns it most: email, display
// name, one password, a small dictionary, an admin role, an activation
// expiration, a type and two actions, so that every branch of Render runs.
func benchAccount() *account.Account {
	t := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	s := func(v string) *string { return &v }
	return &account.Account{
		ID: 4242, Username: "bob.marley", Domain: "sip.example.org", Email: s("bob@example.org"),
		Activated: true, ConfirmationKey: s("Xk3pQ9zR2mW7v"), IPAddress: "203.0.113.7",
		UserAgent: "LinphoneAndroid/5.1.0 (Pixel 7) LinphoneSDK/5.1.0", CreatedAt: t, UpdatedAt: t.Add(time.Hour),
		DisplayName: s("Bob \"the singer\" Marley"), DTMFProtocol: s("rfc2833"), Phone: s("+33612345678"),
		ProvisioningToken:    s("Tq8wE2rY6uI0o"),
		Dictionary:           []account.DictionaryEntry{{Key: "language", Value: "fr"}, {Key: "theme", Value: "dark"}},
		Passwords:            map[string]string{account.AlgSHA256: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
		Admin:                &account.Role{CreatedAt: t, UpdatedAt: t},
		ActivationExpiration: &account.ActivationExpiration{Expires: t.Add(48 * time.Hour), CreatedAt: t, UpdatedAt: t},
		Types:                []account.TypeRef{{ID: 1, Key: "device_audio_intercom"}},
		Actions:              []account.Action{{ID: 3, Key: "open", Code: "1234"}, {ID: 4, Key: "light", Code: "5678"}},
	}
}

// BenchmarkRenderAccount renders the account JSON in each of its views
// (GET /accounts/me, admin create, admin show, an item of admin list).
func BenchmarkRenderAccount(b *testing.B) {
	a := benchAccount()
	realm := "sip.example.org"
	for _, v := range []struct {
		name string
		view account.View
	}{
		{"full", account.ViewFull},
		{"with_confirmation_key", account.ViewWithConfirmationKey},
		{"admin_show", account.ViewAdminShow},
		{"admin_list", account.ViewAdminList},
	} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n += len(account.Render(a, v.view, &realm))
			}
			if n == 0 {
				b.Fatal("empty rendering")
			}
		})
	}
}
