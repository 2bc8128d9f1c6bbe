package provisioning

import (
	"bufio"
	"io"
	"strings"
)

// Entry is one key of a linphonerc section.
type Entry struct {
	Name, Value string
}

// Section is one [section] of a linphonerc file, entries in file order.
type Section struct {
	Name    string
	Entries []Entry
}

// ParseRC reads a linphonerc file as Linphone itself does, not with
// FlexiAPI's PHP INI reader (a faithful parser, a difference written in
// docs/compatibility.md): a value is the raw text after the first '=' up
// to the end of the line (trimmed), so "<sip:x;transport=tls>" and "yes"
// stay as written. Lines starting with '#' or ';' are comments;
// keys before the first section header are ignored (FlexiAPI answers 500).
// A section named twice continues the first one, and a key set twice keeps
// its first position with the last value, as Linphone's configuration does.
func ParseRC(r io.Reader) ([]Section, error) {
	var sections []Section
	index := map[string]int{}
	current := -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		switch {
		case line == "", line[0] == '#', line[0] == ';':
			continue
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			if end < 0 {
				continue
			}
			name := strings.TrimSpace(line[1:end])
			if name == "" {
				current = -1
				continue
			}
			i, ok := index[name]
			if !ok {
				i = len(sections)
				index[name] = i
				sections = append(sections, Section{Name: name})
			}
			current = i
			continue
		}
		eq := strings.IndexByte(line, '=')
		if current < 0 || eq <= 0 {
			continue
		}
		key := strings.TrimSpace(line[:eq])
		value := strings.TrimSpace(line[eq+1:])
		if key == "" {
			continue
		}
		sections[current].set(key, value)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return sections, nil
}

func (s *Section) set(key, value string) {
	for i := range s.Entries {
		if s.Entries[i].Name == key {
			s.Entries[i].Value = value
			return
		}
	}
	s.Entries = append(s.Entries, Entry{Name: key, Value: value})
}

// cloneSections copies sections so that rendering never changes the
// parsed file shared by every request of a process.
func cloneSections(in []Section) []Section {
	out := make([]Section, len(in))
	for i, s := range in {
		out[i] = Section{Name: s.Name, Entries: append([]Entry(nil), s.Entries...)}
	}
	return out
}
