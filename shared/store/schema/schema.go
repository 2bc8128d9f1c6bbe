// Package schema describes the single DynamoDB table as plain data, so the
// store (which creates the table locally) and the CDK stack (which creates
// it in AWS) cannot disagree. It imports nothing.
package schema

// Key and TTL attributes of the table.
const (
	PartitionKey = "PK"
	SortKey      = "SK"
	TTLAttribute = "expires_at"
	// StreamViewType of the table's stream, which feeds the projection for
	// Flexisip (functions/flexisip-sync): it compares an account before and
	// after each write.
	StreamViewType = "NEW_AND_OLD_IMAGES"
)

// Index is a global secondary index.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
	// Projection is ALL, KEYS_ONLY or INCLUDE (with NonKeyAttributes).
	Projection       string
	NonKeyAttributes []string
}

// Indexes are the table's GSIs (docs/access-patterns.md says who uses them).
var Indexes = []Index{
	// GSI1: keys only. Accounts of a domain by id (admin listing). Keys
	// only, so that updating an account does not rewrite an index copy.
	{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK", Projection: "KEYS_ONLY"},
	// GSI2: keys only. Every account by id (multi-domain admin listing).
	{Name: "GSI2", PartitionKey: "GSI2PK", SortKey: "GSI2SK", Projection: "KEYS_ONLY"},
	// GSI3: accounts by email, with what the JWT guard needs.
	{Name: "GSI3", PartitionKey: "GSI3PK", SortKey: "GSI3SK", Projection: "INCLUDE",
		NonKeyAttributes: []string{"id", "username", "domain", "admin", "blocked"}},
	// GSI4: sparse, keys only. Accounts not yet activated, by domain and
	// creation time, for the daily clean-up of unconfirmed accounts.
	{Name: "GSI4", PartitionKey: "GSI4PK", SortKey: "GSI4SK", Projection: "KEYS_ONLY"},
	// GSI5: statistics events by sender domain and day, with what the
	// read-back counts and exports need (not the device attributes: a
	// device update rewrites the entry only when it changes an outcome).
	{Name: "GSI5", PartitionKey: "GSI5PK", SortKey: "GSI5SK", Projection: "INCLUDE",
		NonKeyAttributes: []string{"from_username", "from_domain", "to_username", "to_domain",
			"initiated_at", "ended_at", "sent_at", "encrypted", "states", "statuses", "expires_at"}},
}
