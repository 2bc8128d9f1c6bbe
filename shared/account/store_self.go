package account

// selfStore is what the authenticated account's own endpoints (password, email and phone changes, deletion, abuse limits) need from storage.
type selfStore interface{}
