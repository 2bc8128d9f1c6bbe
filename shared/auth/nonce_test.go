package auth

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

const testAppKey = "base64:c3R1Yi1hcHAta2V5LWZvci10ZXN0cw=="

var nonceT0 = time.Date(2024, 3, 25, 12, 0, 0, 0, time.UTC)

func TestNonces(t *testing.T) {
	const ttl = time.Hour
	n := NewNonces(testAppKey, ttl)
	minted := n.Mint(42, nonceT0)

	tests := []struct {
		name    string
		nonce   string
		account int64
		now     time.Time
		err     error
	}{
		{"mint then check", minted, 42, nonceT0, nil},
		{"later within ttl", minted, 42, nonceT0.Add(59 * time.Minute), nil},
		{"exactly ttl old", minted, 42, nonceT0.Add(ttl), nil},
		{"expired", minted, 42, nonceT0.Add(ttl + time.Second), ErrNonceExpired},
		{"long expired", minted, 42, nonceT0.Add(1000 * time.Hour), ErrNonceExpired},
		{"other account", minted, 43, nonceT0, ErrNonceInvalid},
		{"other account even when expired", minted, 43, nonceT0.Add(2 * ttl), ErrNonceInvalid},
		{"issued 59s in the future", minted, 42, nonceT0.Add(-59 * time.Second), nil},
		{"issued 1 minute in the future", minted, 42, nonceT0.Add(-time.Minute), nil},
		{"issued more than 1 minute in the future", minted, 42, nonceT0.Add(-61 * time.Second), ErrNonceInvalid},
		{"empty", "", 42, nonceT0, ErrNonceInvalid},
		{"garbage", "not a nonce", 42, nonceT0, ErrNonceInvalid},
		{"FlexiAPI style Random(32)", "abcdefghijklmnopqrstuvwxyz012345", 42, nonceT0, ErrNonceInvalid},
		{"truncated", minted[:len(minted)-1], 42, nonceT0, ErrNonceInvalid},
		{"extended", minted + "A", 42, nonceT0, ErrNonceInvalid},
		{"padded", minted + "==", 42, nonceT0, ErrNonceInvalid},
		{"newline inserted", minted[:10] + "\n" + minted[10:len(minted)-1], 42, nonceT0, ErrNonceInvalid},
		{"standard base64 alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(minted), 42, nonceT0, errIfChanged(minted, "-_")},
		{"other APP_KEY", NewNonces("other", ttl).Mint(42, nonceT0), 42, nonceT0, ErrNonceInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issued, err := n.Check(tt.nonce, tt.account, tt.now)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Check = %v, want %v", err, tt.err)
			}
			switch {
			case err == nil || errors.Is(err, ErrNonceExpired):
				if !issued.Equal(nonceT0) {
					t.Fatalf("issued = %v, want %v", issued, nonceT0)
				}
			default:
				if !issued.IsZero() {
					t.Fatalf("issued = %v on %v, want zero", issued, err)
				}
			}
		})
	}
}

// errIfChanged is ErrNonceInvalid when s contains one of chars (so that the
// replacement really changed it), nil otherwise.
func errIfChanged(s, chars string) error {
	if strings.ContainsAny(s, chars) {
		return ErrNonceInvalid
	}
	return nil
}

func TestNonceFormat(t *testing.T) {
	n := NewNonces(testAppKey, time.Hour)
	for i := 0; i < 200; i++ {
		s := n.Mint(int64(i), nonceT0)
		if len(s) != 60 {
			t.Fatalf("len(%q) = %d, want 60", s, len(s))
		}
		for _, c := range s {
			if !isBase64URL(byte(c)) {
				t.Fatalf("nonce %q has %q, outside A-Z a-z 0-9 - _", s, c)
			}
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 45 {
			t.Fatalf("decode: %v, %d bytes", err, len(raw))
		}
		if raw[0] != 1 || binary.BigEndian.Uint64(raw[1:9]) != uint64(i) || int64(binary.BigEndian.Uint64(raw[9:17])) != nonceT0.Unix() {
			t.Fatalf("layout: % x", raw[:17])
		}
		// It sits in a challenge's quoted-string untouched.
		if c, _ := ParseAuthorization(Challenge("r", "MD5", s, "o", false)); c.Nonce != s {
			t.Fatalf("nonce does not survive a challenge: %q", c.Nonce)
		}
	}
}

func TestNonceMintsDiffer(t *testing.T) {
	n := NewNonces(testAppKey, time.Hour)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		s := n.Mint(7, nonceT0)
		if seen[s] {
			t.Fatalf("nonce %q minted twice", s)
		}
		seen[s] = true
	}
}

// Every single-character change anywhere in the nonce is refused.
func TestNonceTamperedCharacter(t *testing.T) {
	n := NewNonces(testAppKey, time.Hour)
	minted := n.Mint(42, nonceT0)
	for i := 0; i < len(minted); i++ {
		for _, repl := range []byte{'A', 'z', '-', '_', '0'} {
			if minted[i] == repl {
				continue
			}
			tampered := minted[:i] + string(repl) + minted[i+1:]
			if _, err := n.Check(tampered, 42, nonceT0); !errors.Is(err, ErrNonceInvalid) {
				t.Fatalf("position %d → %q: Check = %v, want ErrNonceInvalid", i, repl, err)
			}
		}
	}
}

// A nonce with a valid MAC but another version (a future layout) is refused,
// and so is a valid-MAC nonce for an account id it does not carry.
func TestNonceVersionAndAccount(t *testing.T) {
	n := NewNonces(testAppKey, time.Hour)
	forge := func(version byte, account int64) string {
		var raw [nonceRawLen]byte
		raw[0] = version
		binary.BigEndian.PutUint64(raw[1:9], uint64(account))
		binary.BigEndian.PutUint64(raw[9:17], uint64(nonceT0.Unix()))
		copy(raw[nonceBodyLen:], n.mac(raw[:nonceBodyLen]))
		return base64.RawURLEncoding.EncodeToString(raw[:])
	}
	if _, err := n.Check(forge(1, 5), 5, nonceT0); err != nil {
		t.Fatalf("version 1 with a valid MAC: %v", err)
	}
	if _, err := n.Check(forge(2, 5), 5, nonceT0); !errors.Is(err, ErrNonceInvalid) {
		t.Fatalf("version 2: %v, want ErrNonceInvalid", err)
	}
	if _, err := n.Check(forge(1, -5), -5, nonceT0); err != nil {
		t.Fatalf("negative account id: %v", err)
	}
	if _, err := n.Check(forge(1, -5), 5, nonceT0); !errors.Is(err, ErrNonceInvalid) {
		t.Fatalf("sign of the account id ignored: %v", err)
	}
}

func TestNonceDefaultTTL(t *testing.T) {
	for _, ttl := range []time.Duration{0, -time.Second} {
		n := NewNonces(testAppKey, ttl)
		s := n.Mint(1, nonceT0)
		if _, err := n.Check(s, 1, nonceT0.Add(DefaultNonceTTL)); err != nil {
			t.Fatalf("ttl %v: at the default TTL: %v", ttl, err)
		}
		if _, err := n.Check(s, 1, nonceT0.Add(DefaultNonceTTL+time.Second)); !errors.Is(err, ErrNonceExpired) {
			t.Fatalf("ttl %v: past the default TTL: %v", ttl, err)
		}
	}
}

// Keys derived from the same APP_KEY agree (several Lambda instances).
func TestNonceSameKeyAcrossInstances(t *testing.T) {
	s := NewNonces(testAppKey, time.Hour).Mint(9, nonceT0)
	if _, err := NewNonces(testAppKey, time.Hour).Check(s, 9, nonceT0.Add(time.Second)); err != nil {
		t.Fatalf("second instance refused: %v", err)
	}
}
