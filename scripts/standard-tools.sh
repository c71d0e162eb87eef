#!/usr/bin/env bash
# Our specs pass standard tools, not only our own (issue #14):
# 1. Spectral (`spectral lint`, the `spectral:oas` rules as .spectral.yaml configures them)
#    reports no error on any spec in spec/ (warnings are shown, errors fail);
# 2. a Prism mock server (`prism mock --errors`) accepts every documented example: each
#    response example (served and validated by Prism against its schema), each response
#    without one (served from its schema, schema-level examples first), and every request
#    example (parameters and bodies, validated as requests). What is asked and checked is in
#    scripts/standard-tools/prism-examples.cjs.
#
# The tools are pinned by scripts/standard-tools/package.json and package-lock.json and
# installed with `npm ci` into target/tools when missing or different (needs node and npm).
# Prism listens on 127.0.0.1 only, every wait and request is bounded, and the servers are
# stopped on exit.
#
# usage: bash scripts/standard-tools.sh [SPEC...]
#   (default: Spectral on spec/*.yaml and spec/shared/*.yaml, Prism on spec/*.yaml; the
#   shared documents hold components only, so they have nothing to mock)
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
cd "$(dirname "$0")/.."
started=$SECONDS

pins=scripts/standard-tools
# Beside the build artifacts (CARGO_TARGET_DIR when set), so a machine installs them once.
tools="${CARGO_TARGET_DIR:-target}/tools"
bin="$tools/node_modules/.bin"
stamp="$tools/.installed-lock.json"

if [[ $# -gt 0 ]]; then
  lint_specs=("$@")
  mock_specs=("$@")
else
  lint_specs=(spec/*.yaml spec/shared/*.yaml)
  mock_specs=(spec/*.yaml)
fi

# Install (again) when a tool is missing or the pins changed since the last install.
if ! [[ -x "$bin/spectral" && -x "$bin/prism" && -f "$stamp" ]] ||
  ! cmp -s "$pins/package-lock.json" "$stamp"; then
  echo "installing the pinned Spectral and Prism into $tools"
  mkdir -p "$tools"
  cp "$pins/package.json" "$pins/package-lock.json" "$tools/"
  timeout 600 npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error
  cp "$pins/package-lock.json" "$stamp"
  echo "installed in $((SECONDS - started)) s"
fi
echo "spectral $("$bin/spectral" --version), prism $("$bin/prism" --version), node $(node --version)"

failed=0
echo
echo "== spectral lint (fails on any error)"
if ! timeout 180 "$bin/spectral" lint --ruleset .spectral.yaml --fail-severity error "${lint_specs[@]}"; then
  failed=1
fi
echo "spectral: $((SECONDS - started)) s"

echo
echo "== prism mock: every documented example"
work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port free on 127.0.0.1 now (the kernel's choice).
free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

for spec in "${mock_specs[@]}"; do
  name="$(basename "$spec" .yaml)"
  log="$work/$name.log"
  port="$(free_port)"
  : >"$log"
  "$bin/prism" mock --host 127.0.0.1 --port "$port" --errors "$spec" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  # Up to 30 s for the server to listen.
  ready=0
  for ((i = 0; i < 150; i++)); do
    if grep -qs "Prism is listening" "$log"; then
      ready=1
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if [[ $ready -ne 1 ]]; then
    echo "FAIL $spec: Prism did not start"
    cat "$log"
    failed=1
    continue
  fi
  if ! timeout 120 node "$pins/prism-examples.cjs" "$tools" "$spec" "http://127.0.0.1:$port"; then
    failed=1
    echo "Prism's log for $spec:"
    grep -E "✖|error|violation" "$log" | tail -n 40 || true
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

echo "prism: $((SECONDS - started)) s"

echo
if [[ $failed -ne 0 ]]; then
  echo "standard tools: FAILED (see above)"
  exit 1
fi
echo "standard tools: Spectral reports no error, Prism accepts every example ($((SECONDS - started)) s)"
