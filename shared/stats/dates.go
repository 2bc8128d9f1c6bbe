package stats

import (
	"strconv"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// ISODateMessage is FlexiAPI's failure message for its iso_date rule (the
// translation key, untranslated in the reference).
const ISODateMessage = "validation.iso_date"

// ParseISODate reads the ISO 8601 forms a statistics client sends and
// returns the instant in UTC (an offset is converted, not dropped as
// FlexiAPI does). Accepted: YYYY-MM-DD, then optionally "T" or " " and
// HH:MM[:SS[.fraction]], then optionally Z, ±hh, ±hhmm or ±hh:mm. A date
// part without a time is midnight UTC. Rejected, unlike FlexiAPI's regex:
// purely numeric values (which the reference stores as Unix timestamps),
// week and ordinal dates, impossible days (2023-02-30) and T24:00; see
// docs/compatibility.md. Fractions of a second are dropped, as FlexiAPI's
// DATETIME columns do.
func ParseISODate(s string) (time.Time, bool) {
	if len(s) < 10 || len(s) > 40 {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' || mo < 1 || mo > 12 || d < 1 {
		return time.Time{}, false
	}
	if d > daysIn(y, mo) {
		return time.Time{}, false
	}
	rest := s[10:]
	h, mi, sec := 0, 0, 0
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' {
			return time.Time{}, false
		}
		rest = rest[1:]
		var ok bool
		if h, mi, sec, rest, ok = clock(rest); !ok {
			return time.Time{}, false
		}
	}
	loc, ok := offset(rest)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc).UTC(), true
}

// clock reads HH:MM[:SS[.fraction]] and returns what follows it.
func clock(s string) (h, m, sec int, rest string, ok bool) {
	if len(s) < 5 || s[2] != ':' {
		return 0, 0, 0, "", false
	}
	h, okH := digits(s[0:2])
	m, okM := digits(s[3:5])
	if !okH || !okM || h > 23 || m > 59 {
		return 0, 0, 0, "", false
	}
	s = s[5:]
	if len(s) >= 3 && s[0] == ':' {
		var okS bool
		if sec, okS = digits(s[1:3]); !okS || sec > 59 {
			return 0, 0, 0, "", false
		}
		s = s[3:]
		if len(s) >= 2 && (s[0] == '.' || s[0] == ',') {
			i := 1
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == 1 {
				return 0, 0, 0, "", false
			}
			s = s[i:]
		}
	}
	return h, m, sec, s, true
}

// offset reads "", Z, ±hh, ±hhmm or ±hh:mm.
func offset(s string) (*time.Location, bool) {
	switch {
	case s == "" || s == "Z" || s == "z":
		return time.UTC, true
	case s[0] != '+' && s[0] != '-':
		return nil, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	var hh, mm int
	var ok bool
	switch len(s) {
	case 2:
		hh, ok = digits(s)
	case 4:
		var ok2 bool
		hh, ok = digits(s[0:2])
		mm, ok2 = digits(s[2:4])
		ok = ok && ok2
	case 5:
		var ok2 bool
		hh, ok = digits(s[0:2])
		mm, ok2 = digits(s[3:5])
		ok = ok && ok2 && s[2] == ':'
	}
	if !ok || hh > 23 || mm > 59 {
		return nil, false
	}
	return time.FixedZone("", sign*(hh*3600+mm*60)), true
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ISODate is the iso_date rule of the statistics requests.
func ISODate() validate.Rule { return isoDateRule{} }

type isoDateRule struct{}

func (isoDateRule) Doc() string     { return "iso_date" }
func (isoDateRule) Types() []string { return []string{validate.TypeString} }

func (isoDateRule) Check(_ validate.Context, v any, _ bool) string {
	if s, ok := v.(string); ok {
		if _, ok := ParseISODate(s); ok {
			return ""
		}
	}
	return ISODateMessage
}

// Timestamp is how FlexiAPI serialises its dates: UTC, six fraction digits.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
