package importer

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Count is what became of a source table's rows: New (written now),
// Existing (in the table from an earlier run), Listed (not imported, in
// Report.Listed or with their listed account) and Skipped (nothing to
// carry: consumed codes, superseded tokens, duplicate admin rows,
// expired tombstones and statistics). Source is the table's row count
// when the run started.
type Count struct {
	Source, New, Existing, Listed, Skipped int64
}

// Report is the outcome of a run.
type Report struct {
	DryRun bool
	// Tables are the imported tables in summary order; Counts has each.
	Tables []string
	Counts map[string]*Count
	Listed []Listed
	Notes  []string
	// Converted counts new accounts whose clear-text password became HA1s;
	// ExpiredKeys new API keys already past their expiry; KeysRefreshed
	// API keys whose last use moved forward.
	Converted, ExpiredKeys, KeysRefreshed int
	// LeftBehind are the tables that are not imported, with their rows.
	LeftBehind []LeftBehind
	Elapsed    time.Duration
}

// LeftBehind is a table the import does not bring, and why.
type LeftBehind struct {
	Table  string
	Rows   int64
	Reason string
}

var importedTables = []string{"account_types", "contacts_lists", "accounts", "passwords", "aliases", "admins",
	"api_keys", "provisioning_tokens", "activation_expirations", "email_change_codes", "phone_change_codes",
	"account_account_type", "account_actions", "account_dictionary_entries", "contacts", "account_contacts_list",
	"contacts_list_contact", "accounts_tombstones"}

var statisticsTables = []string{"statistics_messages", "statistics_message_devices", "statistics_calls", "statistics_call_devices"}

// leftBehind are the tables never imported, and why (docs/operations.md).
var leftBehind = []LeftBehind{
	{Table: "auth_tokens", Reason: "valid 5 minutes: a device asks for a new one"},
	{Table: "account_creation_tokens", Reason: "single-use sign-up tokens: a sign-up in progress starts again"},
	{Table: "account_creation_request_tokens", Reason: "single-use sign-up tokens: a sign-up in progress starts again"},
	{Table: "recovery_codes", Reason: "PINs of FlexiAPI's web panel, which this API does not serve"},
	{Table: "nonces", Reason: "Digest nonces: this API issues its own"},
	{Table: "users", Reason: "Laravel scaffolding FlexiAPI does not use"},
	{Table: "password_resets", Reason: "Laravel scaffolding FlexiAPI does not use"},
	{Table: "failed_jobs", Reason: "Laravel queue bookkeeping"},
}

func newReport(rows map[string]int64, o Options) *Report {
	r := &Report{DryRun: o.DryRun, Counts: map[string]*Count{}}
	r.Tables = append(r.Tables, importedTables...)
	if o.WithStatistics {
		r.Tables = append(r.Tables, statisticsTables...)
	}
	for _, t := range append(append([]string(nil), importedTables...), statisticsTables...) {
		r.Counts[t] = &Count{Source: rows[t]}
	}
	for _, l := range leftBehind {
		l.Rows = rows[l.Table]
		r.LeftBehind = append(r.LeftBehind, l)
	}
	if !o.WithStatistics {
		for _, t := range statisticsTables {
			r.LeftBehind = append(r.LeftBehind, LeftBehind{Table: t, Rows: rows[t], Reason: "statistics come with -with-statistics"})
		}
	}
	return r
}

// Write prints the summary: counts per table, the tables left behind, the
// listed rows and the notes.
func (r *Report) Write(w io.Writer) error {
	title := "import"
	if r.DryRun {
		title = "dry run (nothing written)"
	}
	fmt.Fprintf(w, "FlexiAPI %s done in %s\n", title, r.Elapsed.Round(time.Millisecond))
	var all Count
	for _, t := range r.Tables {
		c := r.Counts[t]
		all.New, all.Existing, all.Listed, all.Skipped = all.New+c.New, all.Existing+c.Existing, all.Listed+c.Listed, all.Skipped+c.Skipped
	}
	fmt.Fprintf(w, "all tables: %d new, %d existing, %d listed, %d not carried\n\n", all.New, all.Existing, all.Listed, all.Skipped)
	fmt.Fprintf(w, "%-28s %8s %8s %8s %8s %11s\n", "table", "source", "new", "existing", "listed", "not carried")
	for _, t := range r.Tables {
		c := r.Counts[t]
		fmt.Fprintf(w, "%-28s %8d %8d %8d %8d %11d\n", t, c.Source, c.New, c.Existing, c.Listed, c.Skipped)
	}
	fmt.Fprintf(w, "\n\"not carried\": rows with nothing left to carry (consumed codes, used or superseded tokens, duplicate admin rows, expired tombstones or statistics).\n")
	if r.Converted > 0 {
		fmt.Fprintf(w, "%d account(s) had a clear-text (CLRTXT) password: stored as MD5 and SHA-256 HA1s with this deployment's realm.\n", r.Converted)
	}
	if r.ExpiredKeys > 0 {
		fmt.Fprintf(w, "%d API key(s) were already unused for longer than APP_API_KEY_EXPIRATION_MINUTES: they will not work until a new import brings a later use.\n", r.ExpiredKeys)
	}
	if r.KeysRefreshed > 0 {
		fmt.Fprintf(w, "%d API key(s) took the later last use the source has.\n", r.KeysRefreshed)
	}
	fmt.Fprintf(w, "\nNot imported, by design:\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range r.LeftBehind {
		fmt.Fprintf(tw, "  %s\t%d rows\t%s\n", l.Table, l.Rows, l.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Listed) > 0 {
		fmt.Fprintf(w, "\n%d row(s) could not be represented and were not imported:\n", len(r.Listed))
		for _, l := range r.Listed {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "\nNotes:\n")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	return nil
}
