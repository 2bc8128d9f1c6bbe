package importer

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
)

var now = time.Date(2024, 3, 25, 12, 0, 0, 0, time.UTC)

func settings(realm string) Settings {
	return Settings{Realm: func(d string) string {
		if realm != "" {
			return realm
		}
		return d
	}, APIKeyExpiration: time.Hour, TombstoneRetention: 7 * 24 * time.Hour}
}

func ptr[T any](v T) *T { return &v }

// hex digests written out here, not with the server's auth package.
func md5hex(s string) string    { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
func sha256hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func base() Account {
	return Account{ID: 7, Username: "alice", Domain: "sip.example.org", IPAddress: "127.0.0.1", UserAgent: "FlexiAPI",
		CreatedAt: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestClearTextBecomesTheHashesDigestChecks(t *testing.T) {
	for _, realm := range []string{"", "realm.example.org"} {
		a := base()
		a.Passwords = []Password{{ID: 1, Algorithm: "CLRTXT", Password: "s3cret"}}
		m := mapAccount(&a, settings(realm), nil, now)
		r := realm
		if r == "" {
			r = a.Domain
		}
		got := m.imp.Account.Passwords
		if got["MD5"] != md5hex("alice:"+r+":s3cret") || got["SHA-256"] != sha256hex("alice:"+r+":s3cret") || len(got) != 2 {
			t.Fatalf("realm %q: %v", realm, got)
		}
		if m.converted != 1 || m.carried["passwords"] != 1 {
			t.Fatalf("converted %d, carried %v", m.converted, m.carried)
		}
	}
	// A hash row of an algorithm wins over the clear text's.
	a := base()
	a.Passwords = []Password{{ID: 1, Algorithm: "MD5", Password: "0123456789abcdef0123456789abcdef"}, {ID: 2, Algorithm: "CLRTXT", Password: "s3cret"}}
	got := mapAccount(&a, settings(""), nil, now).imp.Account.Passwords
	if got["MD5"] != "0123456789abcdef0123456789abcdef" || got["SHA-256"] != sha256hex("alice:sip.example.org:s3cret") {
		t.Fatalf("%v", got)
	}
}

func TestHashRowsComeAsTheyAre(t *testing.T) {
	a := base()
	a.Passwords = []Password{{ID: 3, Algorithm: "SHA-256", Password: "aa"}, {ID: 2, Algorithm: "MD5", Password: "bb"}, {ID: 4, Algorithm: "sha1", Password: "cc"}}
	m := mapAccount(&a, settings(""), nil, now)
	if p := m.imp.Account.Passwords; p["SHA-256"] != "aa" || p["MD5"] != "bb" || len(p) != 2 {
		t.Fatalf("%v", p)
	}
	if len(m.listed) != 1 || m.listed[0].Table != "passwords" || m.listed[0].Key != "id=4" {
		t.Fatalf("listed %v", m.listed)
	}
}

func TestOnePhoneOneActivationExpiration(t *testing.T) {
	a := base()
	a.Aliases = []Alias{{ID: 9, Alias: "+3399", Domain: "d"}, {ID: 4, Alias: "+3344", Domain: "d"}}
	a.ActivationExpirations = []ActivationExpiration{{ID: 2, Expires: now}, {ID: 1, Expires: now.Add(time.Hour)}}
	m := mapAccount(&a, settings(""), nil, now)
	if *m.imp.Account.Phone != "+3344" || !m.imp.Account.ActivationExpiration.Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("phone %v, expiration %v", *m.imp.Account.Phone, m.imp.Account.ActivationExpiration)
	}
	var keys []string
	for _, l := range m.listed {
		keys = append(keys, l.Table+" "+l.Key)
	}
	if strings.Join(keys, ",") != "aliases id=9,activation_expirations id=2" {
		t.Fatalf("listed %v", keys)
	}
}

func TestCurrentTokenAndPendingChanges(t *testing.T) {
	a := base()
	a.ProvisioningTokens = []ProvisioningToken{
		{ID: 1, Token: ptr("old"), Used: false}, {ID: 2, Token: ptr("used"), Used: true},
		{ID: 3, Token: ptr("current"), IP: ptr("10.0.0.1")}, {ID: 4, Token: nil},
	}
	c := now.Add(-time.Hour)
	a.EmailChanges = []PendingCode{{ID: 1, Code: ptr("1111"), Value: "a@x"}, {ID: 2, Code: ptr("2222"), Value: "b@x", CreatedAt: &c}, {ID: 3, Code: nil, Value: "c@x"}}
	a.PhoneChanges = []PendingCode{{ID: 5, Code: nil, Value: "+1"}}
	m := mapAccount(&a, settings(""), nil, now)
	acc := m.imp.Account
	if *acc.ProvisioningToken != "current" || m.imp.ProvisioningToken.IP != "10.0.0.1" || !m.imp.ProvisioningToken.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("token %v %+v", *acc.ProvisioningToken, m.imp.ProvisioningToken)
	}
	if acc.EmailChange == nil || acc.EmailChange.Value != "b@x" || acc.EmailChange.Code != "2222" || !acc.EmailChange.UpdatedAt.Equal(c) {
		t.Fatalf("email change %+v", acc.EmailChange)
	}
	if acc.PhoneChange != nil {
		t.Fatalf("a consumed phone code came over: %+v", acc.PhoneChange)
	}
	if m.skipped["provisioning_tokens"] != 3 || m.skipped["email_change_codes"] != 2 || m.skipped["phone_change_codes"] != 1 {
		t.Fatalf("skipped %v", m.skipped)
	}
}

func TestRolesKeysTypesAndTimes(t *testing.T) {
	a := base()
	adminAt := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	a.Admins = []Stamp{{ID: 2, CreatedAt: &adminAt}, {ID: 3}}
	a.APIKeys = []APIKey{{ID: 1, Key: "no_secret_at_all", LastUsedAt: now.Add(-2 * time.Hour)}}
	a.TypeIDs = []int64{5, 3}
	m := mapAccount(&a, settings(""), map[int64]string{3: "phone"}, now)
	acc := m.imp.Account
	if !acc.UpdatedAt.Equal(a.CreatedAt) {
		t.Fatalf("a NULL updated_at should read as created_at: %v", acc.UpdatedAt)
	}
	if acc.Admin == nil || !acc.Admin.CreatedAt.Equal(adminAt) || !acc.Admin.UpdatedAt.Equal(adminAt) || m.skipped["admins"] != 1 {
		t.Fatalf("admin %+v, skipped %v", acc.Admin, m.skipped)
	}
	if acc.APIKeyHash != auth.HashAPIKey("no_secret_at_all") || acc.APIKeyHash != sha256hex("no_secret_at_all") {
		t.Fatalf("key hash %s", acc.APIKeyHash)
	}
	if k := m.imp.APIKey; !k.Expires.Equal(now.Add(-time.Hour)) || !k.CreatedAt.Equal(k.LastUsedAt) || !m.keyExpired {
		t.Fatalf("key %+v expired %v", k, m.keyExpired)
	}
	if len(acc.Types) != 1 || acc.Types[0].ID != 3 || len(m.listed) != 1 || m.listed[0].Key != "account_id=7 account_type_id=5" {
		t.Fatalf("types %v, listed %v", acc.Types, m.listed)
	}
}

func TestDictionaryBeyondTheItemIsListed(t *testing.T) {
	a := base()
	long := strings.Repeat("v", 255)
	for i := int64(1); i <= 1300; i++ {
		a.Dictionary = append(a.Dictionary, DictionaryEntry{ID: i, Key: strings.Repeat("k", 200) + strconv.FormatInt(i, 10), Value: long})
	}
	m := mapAccount(&a, settings(""), nil, now)
	kept := len(m.imp.Account.Dictionary)
	if kept == 0 || kept == 1300 || kept+len(m.listed) != 1300 || m.carried["account_dictionary_entries"] != kept {
		t.Fatalf("kept %d, listed %d", kept, len(m.listed))
	}
	if m.listed[0].Key != "id="+strconv.Itoa(kept+1) {
		t.Fatalf("first listed %v", m.listed[0])
	}
}

func TestAnEmptyIdentityIsListedWithItsRows(t *testing.T) {
	a := base()
	a.Domain = ""
	m := mapAccount(&a, settings(""), nil, now)
	if m.imp.Account != nil || len(m.listed) != 1 || m.listed[0].Table != "accounts" {
		t.Fatalf("%+v", m)
	}
}

func TestTombstonesAndStatisticsExpire(t *testing.T) {
	old := now.Add(-8 * 24 * time.Hour)
	if _, expired := mapTombstone(Tombstone{Username: "x", Domain: "d", CreatedAt: &old}, settings(""), now); !expired {
		t.Error("an 8-day-old tombstone did not expire (7 days)")
	}
	recent := now.Add(-time.Hour)
	tt, expired := mapTombstone(Tombstone{Username: "x", Domain: "d", CreatedAt: &recent}, settings(""), now)
	if expired || !tt.Expires.Equal(recent.Add(7*24*time.Hour)) {
		t.Errorf("%+v %v", tt, expired)
	}
	s := settings("")
	s.StatisticsRetention = 24 * time.Hour
	if _, expired := mapMessage(Message{ID: "m", SentAt: old}, s, now); !expired {
		t.Error("an old message did not expire")
	}
	c, expired := mapCall(Call{ID: "c", InitiatedAt: recent, Devices: []CallDevice{{DeviceID: "d1"}}}, s, now)
	if expired || len(c.Devices) != 1 || !c.Devices[0].CreatedAt.Equal(recent) {
		t.Errorf("%+v %v", c, expired)
	}
}
