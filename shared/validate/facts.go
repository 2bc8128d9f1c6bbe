package validate

// Facts are what rules cannot know from the input alone: which values the
// store already holds. The store enforces uniqueness when it writes (a
// condition in the same transaction), so the facts are only looked up
// when a request fails validation or loses a uniqueness race; validating
// again with them lists every failing rule in Laravel's order, as
// Laravel's one pass does.
type Facts map[string]bool

// WithFacts is the input with facts for its rules.
func (in Input) WithFacts(f Facts) Input {
	in.facts = f
	return in
}

// Fact reports a fact (false when facts were not looked up).
func (in Input) Fact(name string) bool { return in.facts[name] }

// StoreRule is a rule the store decides (a uniqueness, an existence): it
// fails only when the fact of that name is set (doc is its Laravel
// spelling).
func StoreRule(doc, fact, msg string) Rule {
	return ruleFunc{doc, func(c Context, _ any) string {
		if c.Input.Fact(fact) {
			return msg
		}
		return ""
	}}
}
