// Command flexiapi-admin is the operator's tool: create the table, create
// (or take back) an admin account and print an API key for it. It talks
// to DynamoDB through the standard AWS configuration, so the same command
// works against DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB) and real AWS
// (AWS_PROFILE, AWS_REGION).
//
//	flexiapi-admin create-table
//	flexiapi-admin create-admin [-username admin] [-domain D] [-password P] [-algorithm SHA-256]
//	flexiapi-admin api-key -username U [-domain D]
//
// Settings come from the same variables as the functions (FLEXIAPI_TABLE,
// APP_SIP_DOMAIN, ACCOUNT_REALM...); -table overrides FLEXIAPI_TABLE.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "flexiapi-admin:", err)
		os.Exit(1)
	}
}

// Admin is what create-admin prints (and make run writes to .local/admin.json).
type Admin struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Domain   string `json:"domain"`
	Password string `json:"password"`
	APIKey   string `json:"api_key"`
}

func usage() error {
	return fmt.Errorf("usage: flexiapi-admin create-table | create-admin [-username U] [-domain D] [-password P] [-algorithm MD5|SHA-256] | api-key -username U [-domain D]  (common flag: -table NAME)")
}

func run(args []string) error {
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	table := fs.String("table", "", "DynamoDB table (default $FLEXIAPI_TABLE)")
	username := fs.String("username", "admin", "admin username")
	domain := fs.String("domain", "", "domain (default $APP_SIP_DOMAIN)")
	password := fs.String("password", "", "password (default: a random one, printed)")
	algorithm := fs.String("algorithm", "SHA-256", "password algorithm")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	// The CLI never answers Digest, so it does not need the deployment's
	// APP_KEY; every other setting (realm, domain, table) must match it.
	cfg, err := config.Load(func(name string) string {
		if name == "APP_KEY" && os.Getenv(name) == "" {
			return "not-used-by-flexiapi-admin"
		}
		if name == "FLEXIAPI_TABLE" && *table != "" {
			return *table
		}
		return os.Getenv(name)
	})
	if err != nil {
		return err
	}
	if *domain == "" {
		*domain = cfg.SIPDomain
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, err := store.New(ctx, cfg.TableName)
	if err != nil {
		return err
	}
	svc := account.NewService(st, cfg)
	switch args[0] {
	case "create-table":
		created, err := store.EnsureTable(ctx, st.Client(), cfg.TableName)
		if err != nil {
			return err
		}
		if created {
			fmt.Printf("table %s created\n", cfg.TableName)
		} else {
			fmt.Printf("table %s already exists\n", cfg.TableName)
		}
		return nil
	case "create-admin":
		if *password == "" {
			*password = auth.Random(16)
		}
		a, _, err := svc.EnsureAdmin(ctx, *username, *domain, *password, *algorithm)
		if err != nil {
			return err
		}
		key, err := svc.RefreshAPIKey(ctx, a.ID)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(Admin{ID: a.ID, Username: a.Username, Domain: a.Domain, Password: *password, APIKey: key})
	case "api-key":
		a, err := st.AccountBySIP(ctx, *username, *domain)
		if err != nil {
			return fmt.Errorf("account %s@%s: %w", *username, *domain, err)
		}
		key, err := svc.RefreshAPIKey(ctx, a.ID)
		if err != nil {
			return err
		}
		fmt.Println(key)
		return nil
	}
	return usage()
}
