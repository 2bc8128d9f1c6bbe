//go:build integration

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/localesm"
)

// TestFlexisipProjection: each mutating endpoint, then Flexisip's own
// queries (the FlexiAPI-era join, 2.5's default password query, both 2.5
// phone queries) against the MariaDB the projection writes: the right HA1
// and algorithm, or no row where authentication must fail.
func TestFlexisipProjection(t *testing.T) {
	p := newProjectionEnv(t, nil, localesm.Settings{})
	realm := domain

	// The admin account made before the mapping started is replayed from
	// the stream (TRIM_HORIZON).
	p.expectPasswords("admin", map[string]string{"SHA-256": ha1("SHA-256", "admin", realm, "adminpass")})

	var id int64
	path := func(suffix string) string { return fmt.Sprintf("/api/accounts/%d%s", id, suffix) }
	phones := func(phone string) (one, list [][]string) {
		return p.flexisip(query25UserByPhone, map[string]string{":phone": phone}),
			p.flexisip(query25UsersPhones, map[string]string{":phones": "'" + phone + "','+00000000'"})
	}

	t.Run("admin create, activated, with a phone", func(t *testing.T) {
		r := p.create(`{"username":"sipuser","algorithm":"SHA-256","password":"first-pass","activated":true,"phone":"+33611111111"}`)
		expect(t, r, 200)
		id = int64(r.JSON(t)["id"].(float64))
		p.expectPasswords("sipuser", map[string]string{"SHA-256": ha1("SHA-256", "sipuser", realm, "first-pass")})
		one, list := phones("+33611111111")
		if fmt.Sprint(one) != "[[sipuser]]" || fmt.Sprint(list) != "[[sipuser "+domain+"]]" {
			t.Fatalf("phone queries: %v %v", one, list)
		}
		// FlexiAPI d231625's alias row too.
		var alias, aliasDomain string
		if err := p.sql.QueryRow("SELECT alias, domain FROM aliases WHERE account_id = ?", id).Scan(&alias, &aliasDomain); err != nil || alias != "+33611111111" || aliasDomain != domain {
			t.Fatalf("alias %q %q %v", alias, aliasDomain, err)
		}
	})

	t.Run("admin password change (PUT), MD5", func(t *testing.T) {
		expect(t, p.asAdmin("PUT", path(""), `{"username":"sipuser","algorithm":"MD5","password":"second-pass","phone":"+33611111111"}`), 200)
		p.expectPasswords("sipuser", map[string]string{"MD5": ha1("MD5", "sipuser", realm, "second-pass")})
	})

	t.Run("user password change", func(t *testing.T) {
		key, err := p.svc.RefreshAPIKey(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		expect(t, p.withKey(key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"third-pass","old_password":"second-pass"}`), 200)
		p.expectPasswords("sipuser", map[string]string{"SHA-256": ha1("SHA-256", "sipuser", realm, "third-pass")})
	})

	t.Run("block, unblock", func(t *testing.T) {
		expect(t, p.asAdmin("POST", path("/block"), ""), 200)
		p.expectPasswords("sipuser", nil)
		var blocked, activated bool
		if err := p.sql.QueryRow("SELECT blocked, activated FROM accounts WHERE id = ?", id).Scan(&blocked, &activated); err != nil || !blocked || !activated {
			t.Fatalf("the account row must stay, with the true flags: blocked %v activated %v %v", blocked, activated, err)
		}
		expect(t, p.asAdmin("POST", path("/unblock"), ""), 200)
		p.expectPasswords("sipuser", map[string]string{"SHA-256": ha1("SHA-256", "sipuser", realm, "third-pass")})
	})

	t.Run("deactivate, activate", func(t *testing.T) {
		expect(t, p.asAdmin("POST", path("/deactivate"), ""), 200)
		p.expectPasswords("sipuser", nil)
		p.eventually("phone queries of a deactivated account", func() (bool, string) {
			one, list := phones("+33611111111")
			return len(one) == 0 && len(list) == 0, fmt.Sprint(one, list)
		})
		expect(t, p.asAdmin("POST", path("/activate"), ""), 200)
		p.expectPasswords("sipuser", map[string]string{"SHA-256": ha1("SHA-256", "sipuser", realm, "third-pass")})
	})

	t.Run("phone change", func(t *testing.T) {
		expect(t, p.asAdmin("PUT", path(""), `{"username":"sipuser","algorithm":"SHA-256","password":"third-pass","phone":"+33622222222"}`), 200)
		p.eventually("new phone", func() (bool, string) {
			one, list := phones("+33622222222")
			old, _ := phones("+33611111111")
			return fmt.Sprint(one) == "[[sipuser]]" && len(list) == 1 && len(old) == 0, fmt.Sprint(one, list, old)
		})
		var n int
		p.sql.QueryRow("SELECT COUNT(*) FROM aliases WHERE account_id = ?", id).Scan(&n)
		if n != 1 {
			t.Fatalf("%d alias rows", n)
		}
	})

	t.Run("PUT with a rename", func(t *testing.T) {
		expect(t, p.asAdmin("PUT", path(""), `{"username":"renamed","algorithm":"SHA-256","password":"fourth-pass"}`), 200)
		p.expectPasswords("renamed", map[string]string{"SHA-256": ha1("SHA-256", "renamed", realm, "fourth-pass")})
		p.expectPasswords("sipuser", nil)
		// PUT without phone removes it (FlexiAPI's full replacement).
		one, _ := phones("+33622222222")
		if len(one) != 0 {
			t.Fatalf("phone still found: %v", one)
		}
	})

	t.Run("created not activated: no password row", func(t *testing.T) {
		r := p.create(`{"username":"pending","algorithm":"SHA-256","password":"pending-pass"}`)
		expect(t, r, 200)
		pid := int64(r.JSON(t)["id"].(float64))
		p.eventually("the pending account's row", func() (bool, string) {
			var activated bool
			err := p.sql.QueryRow("SELECT activated FROM accounts WHERE id = ?", pid).Scan(&activated)
			return err == nil && !activated, fmt.Sprint(err)
		})
		p.expectPasswords("pending", nil)
	})

	t.Run("deletion", func(t *testing.T) {
		expect(t, p.asAdmin("DELETE", path(""), ""), 200)
		p.eventually("no row left for the deleted account", func() (bool, string) {
			var n int
			p.sql.QueryRow("SELECT (SELECT COUNT(*) FROM accounts WHERE id = ?) + (SELECT COUNT(*) FROM passwords WHERE account_id = ?) + (SELECT COUNT(*) FROM aliases WHERE account_id = ?)", id, id, id).Scan(&n)
			return n == 0, fmt.Sprint(n, " rows")
		})
		p.expectPasswords("renamed", nil)
	})

	cfg, _ := flexisipdb.ParseDSN(p.dsn)
	logs := p.logs.String()
	for _, secret := range []string{p.dsn, cfg.Passwd, "first-pass", "fourth-pass", ha1("SHA-256", "renamed", realm, "fourth-pass")} {
		if strings.Contains(logs, secret) {
			t.Fatal("a log line shows the database URL, its password, a password or a hash")
		}
	}
}
