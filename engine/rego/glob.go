package rego

import "strings"

// globShape is what a guard knows of a glob.match pattern without
// compiling it: the literal runs between its wildcards. Any string the
// pattern matches starts with the first run, ends with the last and holds
// the others in order between them, whatever the delimiters; mayMatch
// checks that, so it never rejects a string the pattern matches. The glob
// itself is still matched by OPA, in the rule.
type globShape struct {
	// exact: the pattern has no wildcard and matches only prefix.
	exact  bool
	prefix string
	middle []string
	suffix string
}

// globMeta are the characters that end a literal run: the wildcards "*"
// and "?", and the start of a character class, an alternation or an
// escape, whose content the shape does not look into.
const globMeta = "*?[{\\"

// newGlobShape reads pattern's literal runs. A character class, an
// alternation or an escape ends what is read: the rest of the pattern
// counts as a wildcard.
func newGlobShape(pattern string) globShape {
	i := strings.IndexAny(pattern, globMeta)
	if i < 0 {
		return globShape{exact: true, prefix: pattern}
	}
	g := globShape{prefix: pattern[:i]}
	rest := pattern[i:]
	var runs []string
	for rest != "" {
		if rest[0] != '*' && rest[0] != '?' {
			// A construct the shape does not read: anything may follow.
			runs = append(runs, "")
			break
		}
		rest = strings.TrimLeft(rest, "*?")
		j := strings.IndexAny(rest, globMeta)
		if j < 0 {
			j = len(rest)
		}
		runs = append(runs, rest[:j])
		rest = rest[j:]
	}
	// The last run is anchored at the end; one ending in a wildcard or
	// an unread construct is empty.
	g.suffix = runs[len(runs)-1]
	for _, r := range runs[:len(runs)-1] {
		if r != "" {
			g.middle = append(g.middle, r)
		}
	}
	return g
}

// mayMatch reports whether s can match the pattern: false only when it
// certainly does not.
func (g *globShape) mayMatch(s string) bool {
	if g.exact {
		return s == g.prefix
	}
	if !strings.HasPrefix(s, g.prefix) {
		return false
	}
	rest := s[len(g.prefix):]
	for _, m := range g.middle {
		i := strings.Index(rest, m)
		if i < 0 {
			return false
		}
		rest = rest[i+len(m):]
	}
	return strings.HasSuffix(rest, g.suffix)
}
