package openapi

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// JSON Schema helpers (draft 2020-12, OpenAPI 3.1's dialect).

func ref(name string) obj { return obj{{"$ref", "#/components/schemas/" + name}} }

func typed(t string, desc string) obj {
	o := obj{{"type", t}}
	if desc != "" {
		o.set("description", desc)
	}
	return o
}

// orNull makes a type nullable: "string" → ["string","null"].
func orNull(t string, desc string) obj {
	o := obj{{"type", []any{t, "null"}}}
	if desc != "" {
		o.set("description", desc)
	}
	return o
}

func with(o obj, kvs ...kv) obj { return append(append(obj(nil), o...), kvs...) }

// prop is one key of a documented JSON object.
type prop struct {
	name   string
	schema obj
}

// object builds a closed object schema: every key is present (the
// renderers always write every key, null included) and no other key is.
func object(desc string, props ...prop) obj {
	o := obj{{"type", "object"}}
	if desc != "" {
		o.set("description", desc)
	}
	ps := obj{}
	req := make([]string, 0, len(props))
	for _, p := range props {
		ps.set(p.name, p.schema)
		req = append(req, p.name)
	}
	o.set("properties", ps)
	o.set("required", strs(req))
	o.set("additionalProperties", false)
	return o
}

const (
	// Timestamps of the account JSON: UTC, six (zero) fraction digits.
	descTimestamp = "UTC timestamp with microseconds, e.g. `2024-03-25T10:11:12.000000Z`."
	// confirmation_key_expires and activation_expiration.expires.
	descDateTime = "UTC date and time, `Y-m-d H:i:s`."
	// A necessary condition of the Y-m-d H:i:s format (not a calendar check).
	patternDateTime = `^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`
)

func timestamp() obj {
	return obj{{"type", "string"}, {"format", "date-time"}, {"description", descTimestamp}}
}

func dateTime(nullable bool) obj {
	o := obj{{"type", "string"}}
	if nullable {
		o = obj{{"type", []any{"string", "null"}}}
	}
	return with(o, kv{"pattern", patternDateTime}, kv{"description", descDateTime})
}

// accountView says which keys an account JSON variant has
// (FlexiAPI's variants; shared/account/json.go renders them).
type accountView struct {
	name, desc       string
	confirmationKey  bool
	passwordsAndRole bool
}

var accountViews = []accountView{
	{"Account", "An account (FlexiAPI's default serialisation).", false, true},
	{"AccountWithConfirmationKey", "An account as admin creation answers it: the default serialisation plus `confirmation_key`.", true, true},
	{"AccountShow", "An account as admin `GET /accounts/{id}` answers it: no `passwords` nor `admin`, plus `confirmation_key`.", true, false},
	{"AccountListItem", "An account in admin listings: no `passwords` nor `admin`, no `confirmation_key`.", false, false},
}

// accountSchema is one variant of the account JSON, keys in FlexiAPI's order.
func accountSchema(v accountView) obj {
	props := []prop{
		{"id", typed("integer", "")},
		{"username", typed("string", "")},
		{"domain", typed("string", "")},
		{"email", orNull("string", "")},
		{"activated", typed("boolean", "")},
	}
	if v.confirmationKey {
		props = append(props, prop{"confirmation_key", orNull("string", "Set while the account is not activated.")})
	}
	props = append(props,
		prop{"ip_address", typed("string", "IP address of the request that created the account.")},
		prop{"user_agent", typed("string", "User agent of the request that created the account.")},
		prop{"created_at", timestamp()},
		prop{"display_name", orNull("string", "")},
		prop{"dtmf_protocol", with(orNull("string", ""), kv{"enum", []any{"sipinfo", "rfc2833", "sipmessage", nil}})},
		prop{"updated_at", timestamp()},
		prop{"blocked", typed("boolean", "")},
		prop{"realm", orNull("string", "`ACCOUNT_REALM`, or null when it is not set.")},
		prop{"phone", orNull("string", "The phone number alias.")},
		prop{"confirmation_key_expires", dateTime(true)},
		prop{"provisioning_token", orNull("string", "The latest unused provisioning token.")},
		prop{"dictionary", with(typed("object", "String keys and values (`{}` when empty)."),
			kv{"additionalProperties", obj{{"type", "string"}}})},
	)
	if v.passwordsAndRole {
		props = append(props,
			prop{"passwords", with(typed("array", "The algorithms of the stored passwords (never the hashes)."),
				kv{"items", ref("Password")})},
			prop{"admin", obj{{"oneOf", []any{ref("AdminRole"), obj{{"type", "null"}}}},
				{"description", "The admin role, or null: not a boolean."}}},
		)
	}
	props = append(props,
		prop{"activation_expiration", obj{{"oneOf", []any{ref("ActivationExpiration"), obj{{"type", "null"}}}}}},
		prop{"email_change_code", obj{{"oneOf", []any{ref("EmailChangeCode"), obj{{"type", "null"}}}},
			{"description", "The pending email change, if any."}}},
		prop{"types", with(typed("array", ""), kv{"items", ref("AccountType")})},
		prop{"actions", with(typed("array", "Always empty when `dtmf_protocol` is null."), kv{"items", ref("AccountAction")})},
	)
	return object(v.desc, props...)
}

// componentSchemas are the response shapes (and the errors), by name.
func componentSchemas() map[string]obj {
	m := map[string]obj{}
	for _, v := range accountViews {
		m[v.name] = accountSchema(v)
	}
	m["Password"] = object("", prop{"algorithm", with(typed("string", ""), kv{"enum", []any{"MD5", "SHA-256", "CLRTXT"}})})
	m["AdminRole"] = object("The admin role of an account.", prop{"created_at", timestamp()}, prop{"updated_at", timestamp()})
	m["ActivationExpiration"] = object("Expiry of the confirmation key.",
		prop{"id", typed("integer", "")}, prop{"account_id", typed("integer", "")},
		prop{"expires", dateTime(false)}, prop{"created_at", timestamp()}, prop{"updated_at", timestamp()})
	m["EmailChangeCode"] = object("A pending email change.",
		prop{"email", typed("string", "")}, prop{"created_at", timestamp()}, prop{"updated_at", timestamp()},
		prop{"ip", orNull("string", "")}, prop{"user_agent", orNull("string", "")})
	m["AccountType"] = object("", prop{"id", typed("integer", "")}, prop{"key", typed("string", "")})
	m["AccountAction"] = object("", prop{"id", typed("integer", "")}, prop{"key", typed("string", "")}, prop{"code", typed("string", "")})
	m["AccountPage"] = paginator("AccountListItem")
	statisticsSchemas(m)
	resourcesSchemas(m)
	creationSchemas(m)
	selfSchemas(m)
	m["PageLink"] = object("A link of the paginator.",
		prop{"url", orNull("string", "")}, prop{"label", typed("string", "A page number, `&laquo; Previous`, `Next &raquo;` or `...`.")},
		prop{"active", typed("boolean", "")})
	m["AuthToken"] = object("An `auth_token`, valid 5 minutes.",
		prop{"token", typed("string", "")}, prop{"ip", typed("string", "")}, prop{"user_agent", orNull("string", "")},
		prop{"updated_at", timestamp()}, prop{"created_at", timestamp()}, prop{"id", typed("integer", "")})
	m["APIKey"] = object("A fresh API key, also set as the `x-api-key` cookie.", prop{"api_key", typed("string", "")})
	m["Error"] = object("Every error but validation errors.", prop{"message", typed("string", "")})
	m["ValidationError"] = object("Laravel's validation error (422): `message` is the first message, plus \" (and N more error[s])\" when there are others.",
		prop{"message", typed("string", "")},
		prop{"errors", with(typed("object", "Messages by field, fields in rule declaration order."),
			kv{"additionalProperties", obj{{"type", "array"}, {"items", obj{{"type", "string"}}}}})})
	m["DaemonError"] = object("FlexiAPI's linphone-daemon error (`POST /messages`): `errors` is an array holding one array of the message.",
		prop{"message", typed("string", "")},
		prop{"errors", with(typed("array", ""), kv{"items", obj{{"type", "array"}, {"items", obj{{"type", "string"}}}}})})
	return m
}

// paginator is Laravel's length-aware paginator envelope (shared/api/paginate.go).
func paginator(item string) obj {
	nullInt := orNull("integer", "")
	return object("A page of a paginated list (Laravel's paginator).",
		prop{"current_page", typed("integer", "")},
		prop{"data", with(typed("array", ""), kv{"items", ref(item)})},
		prop{"first_page_url", typed("string", "")},
		prop{"from", with(nullInt, kv{"description", "Position of the first item, or null on an empty page."})},
		prop{"last_page", typed("integer", "")},
		prop{"last_page_url", typed("string", "")},
		prop{"links", with(typed("array", ""), kv{"items", ref("PageLink")})},
		prop{"next_page_url", orNull("string", "")},
		prop{"path", typed("string", "")},
		prop{"per_page", typed("integer", "")},
		prop{"prev_page_url", orNull("string", "")},
		prop{"to", with(nullInt, kv{"description", "Position of the last item, or null on an empty page."})},
		prop{"total", typed("integer", "")},
	)
}

// bodyField is a request field as both outputs describe it.
type bodyField struct {
	Name     string
	Type     string // the JSON types the rules let through ("string or number"); "any"
	Desc     string
	Required bool
	Nullable bool
	Step     int // 1-based validation step
	Rules    []string
	// Alias is another key the field may be given as (validate.Aliased);
	// Without lists the fields whose absence makes this one required.
	Alias         string
	AliasRequired bool
	Without       []string
	schema        obj
}

// bodyInfo is a request body schema, flattened.
type bodyInfo struct {
	Name   string
	Steps  int
	Fields []bodyField
	schema obj
}

// bodySchema translates a validation schema into JSON Schema: what JSON
// Schema can say (the types the rules let through, lengths, enums,
// formats, patterns, required, either-or requirements) plus the Laravel
// spelling of every rule in x-rules, since some (uniqueness, blacklists,
// "not a phone number") have no JSON Schema keyword.
func bodySchema(name string, s validate.Schema) (bodyInfo, error) {
	bi := bodyInfo{Name: name, Steps: len(s.Steps)}
	props := obj{}
	var required []string
	var either []any // anyOf of required alternatives
	seenPair := map[string]bool{}
	eitherOf := func(a, b string) {
		key := a + "|" + b
		if a > b {
			key = b + "|" + a
		}
		if seenPair[key] {
			return
		}
		seenPair[key] = true
		either = append(either, obj{{"anyOf", []any{obj{{"required", strs([]string{a})}}, obj{{"required", strs([]string{b})}}}}})
	}
	steps := make([]any, 0, len(s.Steps))
	for i, st := range s.Steps {
		names := make([]string, 0, len(st))
		for _, f := range st {
			bf, err := fieldSchema(f, i+1, len(s.Steps) > 1)
			if err != nil {
				return bi, fmt.Errorf("body %s, field %s: %w", name, f.Name, err)
			}
			if _, dup := props.get(f.Name); dup {
				return bi, fmt.Errorf("body %s: field %s declared twice", name, f.Name)
			}
			props.set(f.Name, bf.schema)
			if bf.Required {
				required = append(required, f.Name)
			}
			if bf.Alias != "" {
				if _, dup := props.get(bf.Alias); dup {
					return bi, fmt.Errorf("body %s: alias %s declared twice", name, bf.Alias)
				}
				props.set(bf.Alias, with(bf.schema, kv{"description", "Accepted instead of `" + f.Name + "`."}))
				if bf.AliasRequired {
					eitherOf(f.Name, bf.Alias)
				}
			}
			for _, other := range bf.Without {
				eitherOf(f.Name, other)
			}
			names = append(names, f.Name)
			bi.Fields = append(bi.Fields, bf)
		}
		steps = append(steps, strs(names))
	}
	o := obj{{"type", "object"}}
	if len(s.Steps) > 1 {
		o.set("description", fmt.Sprintf("Validated in %d steps (see x-validation-steps): only the errors of the first failing step are reported (422).", len(s.Steps)))
	}
	o.set("properties", props)
	if len(required) > 0 {
		o.set("required", strs(required))
	}
	if len(either) > 0 {
		o.set("allOf", either)
	}
	o.set("x-validation-steps", steps)
	bi.schema = o
	return bi, nil
}

// jsonTypes are the JSON types in the order the documentation lists them.
var jsonTypes = []string{validate.TypeString, validate.TypeNumber, validate.TypeInteger, validate.TypeBoolean,
	validate.TypeObject, validate.TypeArray, validate.TypeNull}

// intersectTypes keeps the JSON types both sets let through; an integer
// is a number.
func intersectTypes(a, b []string) []string {
	has := func(set []string, t string) bool {
		for _, x := range set {
			if x == t {
				return true
			}
		}
		return false
	}
	var out []string
	for _, t := range jsonTypes {
		inA := has(a, t) || t == validate.TypeInteger && has(a, validate.TypeNumber)
		inB := has(b, t) || t == validate.TypeInteger && has(b, validate.TypeNumber)
		if inA && inB && !(t == validate.TypeInteger && has(out, validate.TypeNumber)) {
			out = append(out, t)
		}
	}
	return out
}

func fieldSchema(f validate.Field, step int, multiStep bool) (bodyField, error) {
	bf := bodyField{Name: f.Name, Desc: f.Desc, Step: step}
	var (
		nullable, boolean   bool
		enum                []any
		minLen, maxLen      = -1, -1
		format              string
		patterns, notes     []string
		additionalPropsType string
		types               []string
		typed               bool
		extra               []map[string]any
	)
	// An alias's rules describe the field; its "required" becomes "this
	// field or its alias".
	var rules []validate.Rule
	fromAlias := map[int]bool{} // positions in rules
	for _, r := range f.Rules {
		rules = append(rules, r)
		if a, ok := r.(validate.Aliased); ok {
			name, inner := a.Alias()
			bf.Alias = name
			for _, ir := range inner {
				fromAlias[len(rules)] = true
				rules = append(rules, ir)
			}
		}
	}
	for i, r := range rules {
		if t, ok := r.(validate.Typed); ok && len(t.Types()) > 0 {
			if !typed {
				types, typed = intersectTypes(t.Types(), t.Types()), true
			} else {
				types = intersectTypes(types, t.Types())
			}
		}
		if d, ok := r.(validate.Described); ok {
			extra = append(extra, d.Schema())
		}
		doc := r.Doc()
		bf.Rules = append(bf.Rules, doc)
		rule, arg, _ := strings.Cut(doc, ":")
		num := func() (int, error) {
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("rule %q: bad number", doc)
			}
			return n, nil
		}
		switch rule {
		case "required":
			if fromAlias[i] {
				bf.AliasRequired = true
				notes = append(notes, fmt.Sprintf("Required, or `%s` instead.", bf.Alias))
			} else {
				bf.Required = true
			}
		case "required_without":
			notes = append(notes, fmt.Sprintf("Required when `%s` is absent.", arg))
			bf.Without = append(bf.Without, arg)
		case "nullable":
			nullable = true
		case "min", "max", "size":
			n, err := num()
			if err != nil {
				return bf, err
			}
			if rule != "max" {
				minLen = n
			}
			if rule != "min" {
				maxLen = n
			}
		case "digits":
			n, err := num()
			if err != nil {
				return bf, err
			}
			patterns = append(patterns, fmt.Sprintf("^[0-9]{%d}$", n))
		case "in":
			for _, v := range strings.Split(arg, ",") {
				enum = append(enum, v)
			}
		case "email":
			format = "email"
		case "regex":
			if _, err := regexp.Compile(arg); err != nil {
				return bf, fmt.Errorf("rule %q: %w", doc, err)
			}
			patterns = append(patterns, arg)
		case "starts_with":
			patterns = append(patterns, "^"+regexp.QuoteMeta(arg))
		case "date_format":
			if arg == "Y-m-d H:i:s" {
				patterns = append(patterns, patternDateTime)
			}
		case "no_uppercase":
			patterns = append(patterns, `^[^A-Z]*$`)
		case "without_spaces":
			patterns = append(patterns, `^\S*$`)
		case "boolean":
			boolean = true
		case "dictionary":
			additionalPropsType = "string"
		}
	}
	if boolean {
		// Laravel's boolean rule: true, false, 1, 0, "1", "0".
		enum = []any{true, false, 1, 0, "1", "0"}
	}
	if typed && nullable {
		types = append(intersectTypes(types, types), validate.TypeNull)
	}
	o := obj{}
	var shown []string
	for _, t := range types {
		if t == validate.TypeNull {
			bf.Nullable = true
		} else {
			shown = append(shown, t)
		}
	}
	switch {
	case !typed:
		bf.Type = "any"
	case len(shown) == 0:
		return bf, fmt.Errorf("its rules let no JSON type through")
	default:
		bf.Type = strings.Join(shown, " or ")
		if len(types) == 1 {
			o.set("type", types[0])
		} else {
			o.set("type", strs(types))
		}
	}
	if nullable && len(enum) > 0 {
		enum = append(enum, nil)
	}
	var parts []string
	if f.Desc != "" {
		parts = append(parts, f.Desc)
	}
	if desc := strings.Join(append(parts, notes...), "; "); desc != "" {
		o.set("description", desc)
	}
	if len(enum) > 0 {
		o.set("enum", enum)
	}
	if format != "" {
		o.set("format", format)
	}
	if minLen >= 0 {
		o.set("minLength", minLen)
	}
	if maxLen >= 0 {
		o.set("maxLength", maxLen)
	}
	switch len(patterns) {
	case 0:
	case 1:
		o.set("pattern", patterns[0])
	default:
		all := make([]any, len(patterns))
		for i, p := range patterns {
			all[i] = obj{{"pattern", p}}
		}
		o.set("allOf", all)
	}
	if additionalPropsType != "" {
		o.set("additionalProperties", obj{{"type", additionalPropsType}})
	}
	for _, e := range extra {
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			o.set(k, e[k])
		}
	}
	o.set("x-rules", strs(bf.Rules))
	if multiStep {
		o.set("x-validation-step", step)
	}
	bf.schema = o
	return bf, nil
}
