package resource

import "github.com/flexiapi-serverless/flexiapi/shared/account"

// FitsAccountItem reports whether the account's dictionary and actions
// stay within what the account item holds (MaxDictionaryBytes): the
// importer checks FlexiAPI's unbounded rows against it.
func FitsAccountItem(a *account.Account) bool { return resourcesSize(a) <= MaxDictionaryBytes }
