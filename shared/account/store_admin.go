package account

// adminStore is what the admin endpoints beyond the slice (update, search) need from storage.
type adminStore interface{}
