package catalog

import "strings"

// Suggest returns the defined event name closest to name, for a "did you
// mean" hint, or "" when none is close.
func Suggest(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	best, bestDist := "", -1
	for _, n := range Names() {
		d := distance(name, n)
		if strings.HasPrefix(n, name) && name != "" {
			d = min(d, 1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = n, d
		}
	}
	// More than a third of the name wrong is not a typo.
	if bestDist < 0 || bestDist > max(2, len(best)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein edit distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
