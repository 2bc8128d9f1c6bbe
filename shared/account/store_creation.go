package account

// creationStore is what the creation flows (creation tokens, request tokens, public info and recovery) need from storage.
type creationStore interface{}
