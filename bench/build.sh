#!/usr/bin/env bash
# Two figures users of proc-macro frameworks ask about, mcp-runtime beside rmcp's macros, in the
# same run on the same machine (servers/many-ours and servers/many-rmcp, whose build scripts
# generate the tools as users write them):
#
#   build cost of a crate with TOOLS tools (default 200), dev profile: from its own sources
#   (dependencies built already: `cargo clean -p` of the crate alone), and incremental after
#   editing one tool;
#   start-up: from process start to the first answered `initialize`, and to the answered
#   `tools/list` after it, with START_TOOLS tools (default 1000), release builds.
#
#   bench/build.sh                   # about 10 minutes on 2 cores, dependencies built
#   RUNS=1 bench/build.sh            # a quick look
#
# Writes one JSON object per measurement to $RESULTS/build.jsonl (RESULTS: a new directory under
# bench/results unless given); bench/run.sh calls it and bench/report.py puts the medians in
# BENCHMARKS.md. Every server started is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")"

RUNS=${RUNS:-3}
TOOLS=${TOOLS:-200}
START_TOOLS=${START_TOOLS:-1000}
RESULTS=${RESULTS:-results/build-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
OUT=$RESULTS/build.jsonl
: > "$OUT"

say() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.3f", end - start }'; }
record() { # server, what, seconds
    printf '{"server": "%s", "what": "%s", "seconds": %s, "tools": %s}\n' "$1" "$2" "$3" "$TOOLS" >> "$OUT"
    printf '  %-5s %-12s %6.2f s\n' "$1" "$2" "$3"
}

say "dependencies of both crates (dev profile), so that only the crates themselves are timed"
MANY_TOOLS=$TOOLS cargo build --locked -p bench-many-ours -p bench-many-rmcp

say "warm-up: one untimed clean build of each (the first after a dependency build is slower)"
for server in ours rmcp; do
    cargo clean --locked -p "bench-many-$server" 2>/dev/null
    MANY_TOOLS=$TOOLS cargo build --locked -q -p "bench-many-$server"
done

for run in $(seq "$RUNS"); do
    say "build cost, run $run of $RUNS ($TOOLS tools)"
    for server in ours rmcp; do
        package=bench-many-$server
        cargo clean --locked -p "$package" 2>/dev/null
        start=$(now)
        MANY_TOOLS=$TOOLS cargo build --locked -q -p "$package"
        record "$server" clean "$(since "$start")"
        # One tool's body changes (its build script writes the edited source).
        start=$(now)
        MANY_TOOLS=$TOOLS MANY_EDIT=$((1000 + run)) cargo build --locked -q -p "$package"
        record "$server" incremental "$(since "$start")"
    done
done

say "start-up ($START_TOOLS tools, release builds)"
MANY_TOOLS=$START_TOOLS cargo build --locked --release -q -p bench-many-ours -p bench-many-rmcp
for server in ours rmcp; do
    python3 startup.py --command "target/release/bench-many-$server" --runs "$RUNS" |
        while read -r line; do
            printf '{"server": "%s", "what": "startup", "tools": %s, %s\n' "$server" "$START_TOOLS" "${line#\{}" >> "$OUT"
            printf '  %-5s %s\n' "$server" "$line"
        done
done
echo "build.sh: wrote $OUT"
