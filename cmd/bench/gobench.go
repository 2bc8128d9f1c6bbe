package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// goBenchPackages hold the benchmarks of the hot pure functions.
var goBenchPackages = []string{"./shared/auth", "./shared/account", "./shared/api"}

type goBench struct {
	args   []string
	output string // raw, benchstat-comparable
	rows   []goBenchRow
	wall   time.Duration
	err    error
}

type goBenchRow struct {
	pkg, name          string
	runs               int
	nsOp, bOp, allocOp float64 // medians over the runs
	hasMem             bool
}

func runGoBench(ctx context.Context, count int, benchtime string) goBench {
	args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count)}
	if benchtime != "" {
		args = append(args, "-benchtime", benchtime)
	}
	args = append(args, goBenchPackages...)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	g := goBench{args: append([]string{"go"}, args...), output: string(out), wall: time.Since(start)}
	if err != nil {
		g.err = fmt.Errorf("go test -bench: %w", err)
	}
	g.rows = parseGoBench(g.output)
	return g
}

// parseGoBench reads `go test -bench` output and keeps the median of each
// metric per benchmark, in the order they first appear.
func parseGoBench(out string) []goBenchRow {
	type acc struct {
		row      goBenchRow
		ns, b, a []float64
	}
	var order []string
	byKey := map[string]*acc{}
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		key := pkg + " " + f[0]
		a := byKey[key]
		if a == nil {
			a = &acc{row: goBenchRow{pkg: pkg, name: f[0]}}
			byKey[key] = a
			order = append(order, key)
		}
		a.row.runs++
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				a.ns = append(a.ns, v)
			case "B/op":
				a.b = append(a.b, v)
				a.row.hasMem = true
			case "allocs/op":
				a.a = append(a.a, v)
			}
		}
	}
	rows := make([]goBenchRow, 0, len(order))
	for _, k := range order {
		a := byKey[k]
		a.row.nsOp = median(a.ns)
		if a.row.hasMem {
			a.row.bOp, a.row.allocOp = median(a.b), median(a.a)
		}
		rows = append(rows, a.row)
	}
	return rows
}
