package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
)

// EnsureAdmin is the operator's bootstrap (FlexiAPI's
// accounts:create-admin-account, without its deletion of an existing
// account): it creates an activated admin account, or makes an existing
// one admin with this password. created tells which.
func (s *Service) EnsureAdmin(ctx context.Context, username, domain, password, algorithm string) (a *Account, created bool, err error) {
	if username == "" || !s.cfg.UsernameRegex.MatchString(username) {
		return nil, false, fmt.Errorf("username %q does not match ACCOUNT_USERNAME_REGEX", username)
	}
	if domain == "" || password == "" {
		return nil, false, errors.New("domain and password must not be empty")
	}
	if algorithm != AlgMD5 && algorithm != AlgSHA256 {
		return nil, false, fmt.Errorf("algorithm must be MD5 or SHA-256, not %q", algorithm)
	}
	passwords := map[string]string{algorithm: auth.HA1(algorithm, username, s.cfg.RealmFor(domain), password)}
	now := s.Now()
	a, err = s.store.AccountBySIP(ctx, username, domain)
	switch {
	case errors.Is(err, ErrNotFound):
		token := auth.Random(13)
		a = &Account{
			Username: username, Domain: domain, Activated: true,
			IPAddress: "0.0.0.0", UserAgent: "flexiapi-admin",
			CreatedAt: now, UpdatedAt: now, Passwords: passwords,
			Admin:             &Role{CreatedAt: now, UpdatedAt: now},
			ProvisioningToken: &token,
		}
		if err := s.store.CreateAccount(ctx, a, s.cfg.EmailUnique); err != nil {
			return nil, false, uniquenessError(err)
		}
		return a, true, nil
	case err != nil:
		return nil, false, err
	}
	if a, err = s.store.SetPasswords(ctx, a, passwords, now); err != nil {
		return nil, false, err
	}
	if a, err = s.store.SetAdmin(ctx, a, true, now); err != nil {
		return nil, false, err
	}
	return a, false, nil
}
