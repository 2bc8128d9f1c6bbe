package devstack

import (
	"fmt"
	"strings"
)

// A vCard reader written from RFC 6350 alone, independent of the library
// the server renders with (tests would otherwise check the code with
// itself). The vcard unit tests and the end-to-end tests use it.

// VCardProp is one content line read back: upper-case name and value.
type VCardProp struct{ Name, Value string }

// ParseVCards reads a body of vCards strictly: every line ends with CRLF
// (a bare CR or LF is an error), folded lines are unfolded (RFC 6350,
// section 3.2), each line is "name[;params]:value", and text values are
// unescaped (section 3.4: \\ \, \; \n \N; an unescaped comma is an
// error). Properties named in raw keep their value as written. An empty
// body is no card.
func ParseVCards(body string, raw ...string) ([][]VCardProp, error) {
	if body == "" {
		return nil, nil
	}
	if !strings.HasSuffix(body, "\r\n") {
		return nil, fmt.Errorf("the last line must end with CRLF: %q", body)
	}
	keep := map[string]bool{}
	for _, n := range raw {
		keep[strings.ToUpper(n)] = true
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("bare CR or LF inside a line: %q", l)
		}
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var cards [][]VCardProp
	var cur []VCardProp
	for _, l := range lines {
		colon := strings.IndexByte(l, ':')
		if colon <= 0 {
			return nil, fmt.Errorf("no property name: %q", l)
		}
		name := strings.ToUpper(l[:colon])
		if semi := strings.IndexByte(name, ';'); semi >= 0 {
			name = name[:semi]
		}
		value := l[colon+1:]
		switch {
		case name == "BEGIN" && strings.EqualFold(value, "VCARD"):
			if cur != nil {
				return nil, fmt.Errorf("BEGIN:VCARD inside a card")
			}
			cur = []VCardProp{}
			continue
		case name == "END" && strings.EqualFold(value, "VCARD"):
			if cur == nil {
				return nil, fmt.Errorf("END:VCARD outside a card")
			}
			cards = append(cards, cur)
			cur = nil
			continue
		case cur == nil:
			return nil, fmt.Errorf("property outside a card: %q", l)
		}
		if !keep[name] {
			var err error
			if value, err = unescapeText(value); err != nil {
				return nil, err
			}
		}
		cur = append(cur, VCardProp{name, value})
	}
	if cur != nil {
		return nil, fmt.Errorf("card without END:VCARD")
	}
	return cards, nil
}

func unescapeText(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ',' {
			return "", fmt.Errorf("unescaped comma in a text value: %q", v)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(v) {
			return "", fmt.Errorf("dangling backslash: %q", v)
		}
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';':
			b.WriteByte(v[i])
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", v[i], v)
		}
	}
	return b.String(), nil
}

// VCardValues indexes a card's properties by name, values in order.
func VCardValues(card []VCardProp) map[string][]string {
	out := map[string][]string{}
	for _, p := range card {
		out[p.Name] = append(out[p.Name], p.Value)
	}
	return out
}
