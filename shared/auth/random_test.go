package auth

import (
	"strings"
	"testing"
)

func TestRandomLength(t *testing.T) {
	for _, n := range []int{-5, 0, 1, 10, 32, 40, 1000} {
		want := max(n, 0)
		if got := Random(n); len(got) != want {
			t.Fatalf("len(Random(%d)) = %d, want %d", n, len(got), want)
		}
	}
	if got := NewAPIKey(); len(got) != 40 {
		t.Fatalf("len(NewAPIKey()) = %d, want 40", len(got))
	}
}

func TestRandomAlphabet(t *testing.T) {
	for i := 0; i < 100; i++ {
		s := Random(100)
		if strings.Trim(s, randomAlphabet) != "" {
			t.Fatalf("Random produced %q, outside [A-Za-z0-9]", s)
		}
	}
}

// Every symbol appears and none is favoured. Pearson's chi-square over 62
// symbols (61 degrees of freedom) averages 61; it exceeds 150 by chance with
// probability about 3e-9. Plain byte%62 (modulo bias: the first 8 symbols
// drawn 5/256 of the time instead of 4/256) scores about 400 here.
func TestRandomDistribution(t *testing.T) {
	const perSymbol = 1000
	counts := map[rune]int{}
	for _, c := range Random(len(randomAlphabet) * perSymbol) {
		counts[c]++
	}
	if len(counts) != len(randomAlphabet) {
		t.Fatalf("%d distinct symbols, want %d", len(counts), len(randomAlphabet))
	}
	chi2 := 0.0
	for _, n := range counts {
		d := float64(n - perSymbol)
		chi2 += d * d / perSymbol
	}
	if chi2 > 150 {
		t.Fatalf("chi-square = %.1f over %d symbols, the draw is biased: %v", chi2, len(counts), counts)
	}
}

func TestNewAPIKeyUnique(t *testing.T) {
	seen := make(map[string]bool, 1000)
	for i := 0; i < 1000; i++ {
		k := NewAPIKey()
		if seen[k] {
			t.Fatalf("key %q drawn twice", k)
		}
		seen[k] = true
	}
}

func TestHashAPIKey(t *testing.T) {
	tests := []struct{ key, want string }{
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := HashAPIKey(tt.key); got != tt.want {
				t.Fatalf("HashAPIKey(%q) = %s, want %s", tt.key, got, tt.want)
			}
		})
	}
	if HashAPIKey("no_secret_at_all") == HashAPIKey("No_secret_at_all") {
		t.Fatal("hash must be case-sensitive")
	}
}
