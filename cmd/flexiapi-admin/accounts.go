package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

var createTableCommand = command{
	name: "create-table", args: "[-table NAME]",
	summary: "Create the DynamoDB table (keys, indexes, TTL) if it does not exist.",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		return func(ctx context.Context, e *Env) error {
			cfg, err := e.Config()
			if err != nil {
				return err
			}
			st, err := e.Store(ctx, cfg)
			if err != nil {
				return err
			}
			created, err := store.EnsureTable(ctx, st.Client(), cfg.TableName)
			if err != nil {
				return err
			}
			if created {
				fmt.Fprintf(e.Stdout, "table %s created\n", cfg.TableName)
			} else {
				fmt.Fprintf(e.Stdout, "table %s already exists\n", cfg.TableName)
			}
			return nil
		}
	},
}

// Admin is what create-admin prints (and make run writes to .local/admin.json).
type Admin struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Domain   string `json:"domain"`
	Password string `json:"password"`
	APIKey   string `json:"api_key"`
}

var createAdminCommand = command{
	name: "create-admin", args: "[-username admin] [-domain D] [-password P] [-algorithm MD5|SHA-256]",
	summary: "Create an admin account, or take an existing one back as admin, and print it with a fresh API key (JSON).\n" +
		"Without -password a random one is set and printed.",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		username := fs.String("username", "admin", "admin username")
		domain := fs.String("domain", "", "domain (default $APP_SIP_DOMAIN)")
		password := fs.String("password", "", "password (default: a random one, printed)")
		algorithm := fs.String("algorithm", "SHA-256", "password algorithm: MD5 or SHA-256")
		return func(ctx context.Context, e *Env) error {
			cfg, err := e.Config()
			if err != nil {
				return err
			}
			st, err := e.Store(ctx, cfg)
			if err != nil {
				return err
			}
			if *domain == "" {
				*domain = cfg.SIPDomain
			}
			if *password == "" {
				*password = auth.Random(16)
			}
			svc := account.NewService(st, cfg)
			a, _, err := svc.EnsureAdmin(ctx, *username, *domain, *password, *algorithm)
			if err != nil {
				return err
			}
			key, err := svc.RefreshAPIKey(ctx, a.ID)
			if err != nil {
				return err
			}
			return json.NewEncoder(e.Stdout).Encode(Admin{ID: a.ID, Username: a.Username, Domain: a.Domain, Password: *password, APIKey: key})
		}
	},
}

var apiKeyCommand = command{
	name: "api-key", args: "-username U [-domain D]",
	summary: "Print a fresh API key for an account (its previous key stops working).",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		username := fs.String("username", "", "account username (required)")
		domain := fs.String("domain", "", "domain (default $APP_SIP_DOMAIN)")
		return func(ctx context.Context, e *Env) error {
			if *username == "" {
				return fmt.Errorf("-username is required")
			}
			cfg, err := e.Config()
			if err != nil {
				return err
			}
			st, err := e.Store(ctx, cfg)
			if err != nil {
				return err
			}
			if *domain == "" {
				*domain = cfg.SIPDomain
			}
			a, err := st.AccountBySIP(ctx, *username, *domain)
			if err != nil {
				return fmt.Errorf("account %s@%s: %w", *username, *domain, err)
			}
			key, err := account.NewService(st, cfg).RefreshAPIKey(ctx, a.ID)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, key)
			return nil
		}
	},
}
