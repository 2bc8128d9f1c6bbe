package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// ImportAccounts writes a page of accounts (see import.go): which ids
// are taken (one BatchGetItem per 100), the markers of the new ones
// (conditional puts, in parallel), their API keys and type links
// (BatchWriteItem), then their account items with the counts
// (transactions of up to 99 accounts).
func (s *Store) ImportAccounts(ctx context.Context, batch []importer.AccountImport, o importer.WriteOptions) ([]importer.AccountResult, error) {
	res := make([]importer.AccountResult, len(batch))
	keys := make([]map[string]types.AttributeValue, len(batch))
	for i, imp := range batch {
		keys[i] = accountKey(imp.Account.ID)
	}
	found, err := s.batchGetItems(ctx, keys, []string{"username", "domain", "api_key_hash"}, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	var fresh []int
	var refresh []int
	for i, imp := range batch {
		a := imp.Account
		it := found[itemID(keys[i])]
		switch {
		case it == nil:
			fresh = append(fresh, i)
		case getS(it, "username") == a.Username && strings.EqualFold(getS(it, "domain"), a.Domain):
			res[i].Status = importer.Existing
			if imp.APIKey != nil && getS(it, "api_key_hash") == imp.APIKey.Hash {
				refresh = append(refresh, i)
			}
		default:
			res[i] = importer.AccountResult{Result: importer.Result{Status: importer.Conflict,
				Reason: fmt.Sprintf("id %d is %s@%s in the table", a.ID, getS(it, "username"), getS(it, "domain"))}}
		}
	}
	if !o.DryRun {
		err := parallel(ctx, o.Workers, len(refresh), func(ctx context.Context, j int) error {
			i := refresh[j]
			ok, err := s.refreshKeyUse(ctx, batch[i])
			res[i].KeyRefreshed = ok
			return err
		})
		if err != nil {
			return nil, err
		}
	}

	// The new accounts, as they will be written (a part whose marker
	// another account holds is left out).
	next := make([]*account.Account, len(batch))
	for _, i := range fresh {
		a := *batch[i].Account
		next[i] = &a
	}
	if err := s.checkTokens(ctx, batch, fresh, next, res, o); err != nil {
		return nil, err
	}
	claim := s.claimMarkers
	if o.DryRun {
		claim = s.predictMarkers
	}
	if err := claim(ctx, batch, fresh, next, res, o); err != nil {
		return nil, err
	}
	var written []int
	for _, i := range fresh {
		if res[i].Status == importer.New {
			written = append(written, i)
		}
	}
	if o.DryRun || len(written) == 0 {
		return res, nil
	}
	var children []map[string]types.AttributeValue
	for _, i := range written {
		a := next[i]
		if k := batch[i].APIKey; k != nil {
			children = append(children, importedKeyItem(a, k))
		}
		for _, t := range a.Types {
			children = append(children, typeLinkItem(a.ID, t.ID))
		}
		if c := tokenMarker(batch[i], a); c != nil {
			children = append(children, c.item)
		}
	}
	if err := s.batchPutItems(ctx, children, o.Workers); err != nil {
		return nil, fmt.Errorf("write API keys and type links: %w", err)
	}
	if err := s.writeAccountItems(ctx, next, written, res); err != nil {
		return nil, err
	}
	return res, nil
}

// markerClaim is one uniqueness marker of an account.
type markerClaim struct {
	part importer.Part // "" for the SIP identity
	item map[string]types.AttributeValue
}

// markersOf are the markers of values a client chooses (SIP identity,
// email, phone): claimed with a condition each, as the API does, since a
// client of the API may want the same value at the same time.
func (s *Store) markersOf(imp importer.AccountImport, a *account.Account, o importer.WriteOptions) []markerClaim {
	claims := []markerClaim{{item: cardItem(a)}}
	if o.EmailUnique && a.Email != nil {
		claims = append(claims, markerClaim{importer.PartEmailMarker, markerItem(emailKey(*a.Email), "email", a.ID)})
	}
	if a.Phone != nil {
		claims = append(claims, markerClaim{importer.PartPhone, markerItem(phoneKey(*a.Phone), "phone", a.ID)})
	}
	return claims
}

// tokenMarker is the marker of the account's provisioning token: a
// random value no one else can write, so it is checked by BatchGetItem
// with the page and written with the batches (a copied token another
// account holds is left out).
func tokenMarker(imp importer.AccountImport, a *account.Account) *markerClaim {
	if a.ProvisioningToken == nil {
		return nil
	}
	m := markerItem(provTokenKey(*a.ProvisioningToken), "provisioning_token", a.ID)
	if meta := imp.ProvisioningToken; meta != nil {
		m["ip"], m["user_agent"], m["created_at"] = str(meta.IP), str(meta.UserAgent), timeAttr(meta.CreatedAt)
	}
	return &markerClaim{importer.PartProvisioningToken, m}
}

// checkTokens leaves out the provisioning tokens another account holds in
// the table, or a lower id of the page has too.
func (s *Store) checkTokens(ctx context.Context, batch []importer.AccountImport, fresh []int, next []*account.Account, res []importer.AccountResult, o importer.WriteOptions) error {
	var keys []map[string]types.AttributeValue
	for _, i := range fresh {
		if c := tokenMarker(batch[i], next[i]); c != nil {
			keys = append(keys, keyOf(c.item))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	found, err := s.batchGetItems(ctx, keys, []string{"account_id"}, o.Workers)
	if err != nil {
		return fmt.Errorf("read provisioning tokens: %w", err)
	}
	for _, i := range fresh {
		a := next[i]
		c := tokenMarker(batch[i], a)
		if c == nil {
			continue
		}
		id := itemID(c.item)
		if holder := found[id]; holder != nil && getN(holder, "account_id") != a.ID {
			settle(*c, holder, a, &res[i])
			continue
		}
		found[id] = map[string]types.AttributeValue{"account_id": num(a.ID)}
	}
	return nil
}

// settle records a marker held by another account: the account is a
// Conflict (its SIP identity) or loses that part.
func settle(c markerClaim, holder map[string]types.AttributeValue, a *account.Account, r *importer.AccountResult) {
	owner := getN(holder, "account_id")
	switch c.part {
	case "":
		r.Status, r.Reason = importer.Conflict, fmt.Sprintf("%s@%s is account %d in the table", a.Username, a.Domain, owner)
		r.Dropped = nil // nothing of it comes
	case importer.PartPhone:
		r.Dropped = append(r.Dropped, importer.Drop{Part: c.part, Reason: fmt.Sprintf("the phone %s is account %d's in the table", *a.Phone, owner)})
		a.Phone = nil
	case importer.PartProvisioningToken:
		r.Dropped = append(r.Dropped, importer.Drop{Part: c.part, Reason: fmt.Sprintf("the token is account %d's in the table", owner)})
		a.ProvisioningToken = nil
	case importer.PartEmailMarker:
		r.Dropped = append(r.Dropped, importer.Drop{Part: c.part, Reason: fmt.Sprintf("account %d holds it", owner)})
	}
}

// claimMarkers claims each new account's markers: its SIP identity first
// (held by another account: nothing of it is written), then the others.
// Accounts claim in parallel, except that of two accounts of the page
// that want the same marker the lower id claims first (as the dry run
// and a page-by-page order have it).
func (s *Store) claimMarkers(ctx context.Context, batch []importer.AccountImport, fresh []int, next []*account.Account, res []importer.AccountResult, o importer.WriteOptions) error {
	var first, later []int
	wanted := map[string]bool{}
	for _, i := range fresh {
		claims := s.markersOf(batch[i], next[i], o)
		shared := false
		for _, c := range claims {
			shared = shared || wanted[itemID(c.item)]
		}
		for _, c := range claims {
			wanted[itemID(c.item)] = true
		}
		if shared {
			later = append(later, i)
		} else {
			first = append(first, i)
		}
	}
	claim := func(ctx context.Context, i int) error {
		a := next[i]
		ours := map[string]types.AttributeValue{":id": num(a.ID)}
		for _, c := range s.markersOf(batch[i], a, o) {
			holder, err := s.claimPut(ctx, c.item, "attribute_not_exists(PK) OR account_id = :id", ours)
			if err != nil {
				return fmt.Errorf("claim the markers of account %d: %w", a.ID, err)
			}
			if holder != nil {
				settle(c, holder, a, &res[i])
				if res[i].Status == importer.Conflict {
					return nil
				}
			}
		}
		return nil
	}
	if err := parallel(ctx, o.Workers, len(first), func(ctx context.Context, j int) error { return claim(ctx, first[j]) }); err != nil {
		return err
	}
	for _, i := range later {
		if err := claim(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// predictMarkers is claimMarkers without writing: the markers are read,
// and a marker two accounts of the page want goes to the first.
func (s *Store) predictMarkers(ctx context.Context, batch []importer.AccountImport, fresh []int, next []*account.Account, res []importer.AccountResult, o importer.WriteOptions) error {
	var keys []map[string]types.AttributeValue
	for _, i := range fresh {
		for _, c := range s.markersOf(batch[i], next[i], o) {
			keys = append(keys, keyOf(c.item))
		}
	}
	found, err := s.batchGetItems(ctx, keys, []string{"account_id"}, o.Workers)
	if err != nil {
		return fmt.Errorf("read markers: %w", err)
	}
	for _, i := range fresh {
		a := next[i]
		for _, c := range s.markersOf(batch[i], a, o) {
			id := itemID(c.item)
			if holder := found[id]; holder != nil && getN(holder, "account_id") != a.ID {
				settle(c, holder, a, &res[i])
				if res[i].Status == importer.Conflict {
					break
				}
				continue
			}
			found[id] = map[string]types.AttributeValue{"account_id": num(a.ID)}
		}
	}
	return nil
}

// importedKeyItem is the API key item ReplaceAPIKey writes, with the
// source's creation and last use.
func importedKeyItem(a *account.Account, k *importer.KeyImport) map[string]types.AttributeValue {
	return merge(apiKeyKey(k.Hash), map[string]types.AttributeValue{
		"type":              str("api_key"),
		"account_id":        num(a.ID),
		"username":          str(a.Username),
		"domain":            str(a.Domain),
		"admin":             boolean(a.Admin != nil),
		"blocked":           boolean(a.Blocked),
		"created_at":        timeAttr(k.CreatedAt),
		"last_used_at":      num(k.LastUsedAt.Unix()),
		schema.TTLAttribute: num(k.Expires.Unix()),
	})
}

// typeLinkItem is the child AttachType writes.
func typeLinkItem(accountID, typeID int64) map[string]types.AttributeValue {
	return merge(typeChild(accountID, typeID), map[string]types.AttributeValue{
		"type": str("account_type_link"), "GSI1PK": str(pfxTypeOf + idString(typeID)), "GSI1SK": str(pfxAccount + padID(accountID)),
	})
}

// refreshKeyUse moves an imported key's last use (and expiry) forward to
// the source's, if it is later: the key the source's clients use keeps
// working when the import is run again just before the switch.
func (s *Store) refreshKeyUse(ctx context.Context, imp importer.AccountImport) (bool, error) {
	k := imp.APIKey
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       apiKeyKey(k.Hash),
		UpdateExpression:          aws.String("SET last_used_at = :u, expires_at = :e"),
		ConditionExpression:       aws.String("account_id = :id AND last_used_at < :u"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": num(k.LastUsedAt.Unix()), ":e": num(k.Expires.Unix()), ":id": num(imp.Account.ID)},
		ReturnConsumedCapacity:    totalCapacity,
	})
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("refresh the API key of account %d: %w", imp.Account.ID, err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return true, nil
}

// maxTransactionBytes keeps a chunk of account items under the 4 MB a
// transaction takes (an account item can hold up to ~300 KB of dictionary).
const maxTransactionBytes = 3 << 20

// writeAccountItems puts the account items (condition: absent) and adds
// them to the counts, up to 99 per transaction. A transaction cancelled
// because one account appeared meanwhile is redone account by account,
// that account being Existing.
func (s *Store) writeAccountItems(ctx context.Context, next []*account.Account, written []int, res []importer.AccountResult) error {
	for len(written) > 0 {
		n, size := 0, 0
		for n < len(written) && n < 99 {
			size += itemSize(accountItem(next[written[n]]))
			if n > 0 && size > maxTransactionBytes {
				break
			}
			n++
		}
		chunk := written[:n]
		written = written[n:]
		items := make([]types.TransactWriteItem, 0, n+1)
		domains := map[string]int64{}
		for _, i := range chunk {
			items = append(items, put(s.table, accountItem(next[i]), "attribute_not_exists(PK)", nil))
			domains[strings.ToLower(next[i].Domain)]++
		}
		items = append(items, types.TransactWriteItem{Update: s.countsAdd(domains)})
		err := s.transact(ctx, items)
		var c *cancelled
		switch {
		case err == nil:
			continue
		case errors.As(err, &c) && len(chunk) > 1:
			for _, i := range chunk {
				one := []types.TransactWriteItem{put(s.table, accountItem(next[i]), "attribute_not_exists(PK)", nil),
					{Update: s.countsAdd(map[string]int64{strings.ToLower(next[i].Domain): 1})}}
				err := s.transact(ctx, one)
				if errors.As(err, &c) {
					res[i].Status = importer.Existing
					continue
				}
				if err != nil {
					return fmt.Errorf("write account %d: %w", next[i].ID, err)
				}
			}
		case errors.As(err, &c):
			res[chunk[0]].Status = importer.Existing
		default:
			return fmt.Errorf("write accounts %d to %d: %w", next[chunk[0]].ID, next[chunk[len(chunk)-1]].ID, err)
		}
	}
	return nil
}

// countsAdd adds accounts to the totals (countUpdate, several domains).
func (s *Store) countsAdd(byDomain map[string]int64) *types.Update {
	var total int64
	names := map[string]string{"#t": "total"}
	vals := map[string]types.AttributeValue{}
	domains := make([]string, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	adds := []string{"#t :t"}
	for i, d := range domains {
		n := byDomain[d]
		total += n
		names[fmt.Sprintf("#d%d", i)] = "domain:" + d
		vals[fmt.Sprintf(":d%d", i)] = num(n)
		adds = append(adds, fmt.Sprintf("#d%d :d%d", i, i))
	}
	vals[":t"] = num(total)
	return &types.Update{TableName: &s.table, Key: countsKey, UpdateExpression: aws.String("ADD " + strings.Join(adds, ", ")),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals}
}

// itemSize is about what DynamoDB counts for an item: names and values.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + itemSize(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	default:
		return 1
	}
}
