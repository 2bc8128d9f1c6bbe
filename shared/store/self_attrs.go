package store

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// putSelfAttrs adds the pending changes and abuse events to an account
// item (accountItem).
func putSelfAttrs(item map[string]types.AttributeValue, a *account.Account) {
	if a.PhoneChange != nil {
		item[attrPhoneChange] = pendingChangeAttr(a.PhoneChange)
	}
	if a.EmailChange != nil {
		item[attrEmailChange] = pendingChangeAttr(a.EmailChange)
	}
	if len(a.AbuseEvents) > 0 {
		item[attrAbuseEvents] = timeList(a.AbuseEvents)
	}
}

// readSelfAttrs reads them back (accountFromItem).
func readSelfAttrs(item map[string]types.AttributeValue, a *account.Account) {
	a.PhoneChange = pendingChangeFrom(item[attrPhoneChange])
	a.EmailChange = pendingChangeFrom(item[attrEmailChange])
	if l, ok := item[attrAbuseEvents].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				if t, err := time.Parse(timeFormat, s.Value); err == nil {
					a.AbuseEvents = append(a.AbuseEvents, t)
				}
			}
		}
	}
}

func pendingChangeAttr(c *account.PendingChange) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"value": str(c.Value), "code": str(c.Code), "ip": str(c.IP), "user_agent": str(c.UserAgent),
		"created_at": timeAttr(c.CreatedAt), "updated_at": timeAttr(c.UpdatedAt), "wrong_codes": num(int64(c.WrongCodes)),
	}}
}

func pendingChangeFrom(v types.AttributeValue) *account.PendingChange {
	m, ok := v.(*types.AttributeValueMemberM)
	if !ok {
		return nil
	}
	return &account.PendingChange{
		Value: getS(m.Value, "value"), Code: getS(m.Value, "code"), IP: getS(m.Value, "ip"),
		UserAgent: getS(m.Value, "user_agent"),
		CreatedAt: getTime(m.Value, "created_at"), UpdatedAt: getTime(m.Value, "updated_at"),
		WrongCodes: int(getN(m.Value, "wrong_codes")),
	}
}

func timeList(ts []time.Time) types.AttributeValue {
	l := make([]types.AttributeValue, len(ts))
	for i, t := range ts {
		l[i] = timeAttr(t)
	}
	return &types.AttributeValueMemberL{Value: l}
}
