package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// listPage is how many accounts one read of the listing holds.
const listPage = 100

// eachAccount calls fn for every account of the table in id order
// (of one domain when domain is set), reading a page at a time.
func eachAccount(ctx context.Context, st *store.Store, domain string, fn func(*account.Account) error) error {
	var after int64
	for {
		page, err := st.AccountsAfter(ctx, after, listPage)
		if err != nil {
			return err
		}
		for _, a := range page {
			if domain == "" || strings.EqualFold(a.Domain, domain) {
				if err := fn(a); err != nil {
					return err
				}
			}
			after = max(after, a.ID)
		}
		if len(page) < listPage {
			return nil
		}
	}
}

var listCommand = command{
	name: "list", args: "[-domain D]",
	summary: "Print every account as one JSON line, as the admin API shows it (GET /api/accounts/{id}): no password hash, no key.",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		domain := fs.String("domain", "", "only the accounts of this domain (default: every domain)")
		return func(ctx context.Context, e *Env) error {
			cfg, st, err := e.open(ctx)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(e.Stdout)
			defer w.Flush()
			return eachAccount(ctx, st, *domain, func(a *account.Account) error {
				w.Write(account.Render(a, account.ViewFull, cfg.RealmJSON()))
				return w.WriteByte('\n')
			})
		}
	},
}

// Exported is one line of export: everything that makes the account, its
// password hashes included, in the field names of FlexiAPI's tables
// (accounts, passwords, aliases, account_types, account_actions,
// account_dictionary_entries, admins).
type Exported struct {
	ID                int64             `json:"id"`
	Username          string            `json:"username"`
	Domain            string            `json:"domain"`
	Email             *string           `json:"email"`
	DisplayName       *string           `json:"display_name"`
	Phone             *string           `json:"phone"`
	Activated         bool              `json:"activated"`
	Blocked           bool              `json:"blocked"`
	Admin             bool              `json:"admin"`
	DTMFProtocol      *string           `json:"dtmf_protocol"`
	UserAgent         string            `json:"user_agent"`
	IPAddress         string            `json:"ip_address"`
	ProvisioningToken *string           `json:"provisioning_token"`
	CreatedAt         time.Time         `json:"created_at"`
	UpdatedAt         time.Time         `json:"updated_at"`
	Passwords         map[string]string `json:"passwords"`
	Types             []string          `json:"types"`
	Actions           []ExportedAction  `json:"actions"`
	Dictionary        map[string]string `json:"dictionary"`
}

// ExportedAction is one DTMF action.
type ExportedAction struct {
	Key  string `json:"key"`
	Code string `json:"code"`
}

func exported(a *account.Account) Exported {
	x := Exported{
		ID: a.ID, Username: a.Username, Domain: a.Domain, Email: a.Email, DisplayName: a.DisplayName, Phone: a.Phone,
		Activated: a.Activated, Blocked: a.Blocked, Admin: a.Admin != nil, DTMFProtocol: a.DTMFProtocol,
		UserAgent: a.UserAgent, IPAddress: a.IPAddress, ProvisioningToken: a.ProvisioningToken,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		Passwords: a.Passwords, Types: []string{}, Actions: []ExportedAction{}, Dictionary: map[string]string{},
	}
	if x.Passwords == nil {
		x.Passwords = map[string]string{}
	}
	for _, t := range a.Types {
		x.Types = append(x.Types, t.Key)
	}
	for _, ac := range a.Actions {
		x.Actions = append(x.Actions, ExportedAction{Key: ac.Key, Code: ac.Code})
	}
	for _, d := range a.Dictionary {
		x.Dictionary[d.Key] = d.Value
	}
	return x
}

var exportCommand = command{
	name: "export", args: "[-domain D] [-o FILE]",
	summary: "Write every account as one JSON line with its password hashes, types, actions and dictionary:\n" +
		"the counterpart of import, for a backup or a move. The output holds secrets: -o writes it mode 0600.",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		domain := fs.String("domain", "", "only the accounts of this domain (default: every domain)")
		out := fs.String("o", "", "write to this file (mode 0600) instead of standard output")
		return func(ctx context.Context, e *Env) error {
			_, st, err := e.open(ctx)
			if err != nil {
				return err
			}
			var dst io.Writer = e.Stdout
			if *out != "" {
				f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				dst = f
			}
			w := bufio.NewWriter(dst)
			enc := json.NewEncoder(w)
			n := 0
			err = eachAccount(ctx, st, *domain, func(a *account.Account) error {
				n++
				return enc.Encode(exported(a))
			})
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			if err == nil {
				fmt.Fprintf(e.Stderr, "flexiapi-admin export: %d accounts\n", n)
			}
			return err
		}
	},
}

// open loads the configuration and the table, for the commands that read.
func (e *Env) open(ctx context.Context) (*config.Config, *store.Store, error) {
	cfg, err := e.Config()
	if err != nil {
		return nil, nil, err
	}
	st, err := e.Store(ctx, cfg)
	return cfg, st, err
}
