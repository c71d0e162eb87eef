#!/usr/bin/env bash
# Generates a client from GitHub's official OpenAPI spec (npm package @octokit/openapi,
# generated/api.github.com.json: 13 MB, about 1,100 operations and 900 schemas) and
# type-checks the result. Everything lands under target/github/.
#
#   bash scripts/github-spec.sh            # generate and `cargo check`
#   GITHUB_SPEC_CHECK=0 bash scripts/...   # generate only
#
# Not part of CI: the benchmark (`cargo bench -p clientgen-tests --bench perf`) measures the
# same steps with medians and baselines; this script is the quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$PWD/target/github"
mkdir -p "$work"
spec="$work/package/generated/api.github.com.json"
if [ ! -f "$spec" ]; then
  (cd "$work" && npm pack --silent @octokit/openapi >/dev/null && tar xzf octokit-openapi-*.tgz)
fi
cargo build --quiet --release --locked -p clientgen
echo "== generate $(du -h "$spec" | cut -f1) spec"
/usr/bin/time -f "generate: %e s, %M KiB peak" \
  ./target/release/clientgen generate --spec "$spec" --out "$work/client" --name github-client | tail -n 1
echo "generated lines: $(cat "$work"/client/src/*/*.rs | wc -l)"
if [ "${GITHUB_SPEC_CHECK:-1}" != "0" ]; then
  echo "== cargo check of the generated crate"
  (cd "$work/client" && CARGO_TARGET_DIR="$work/target" /usr/bin/time -f "cargo check: %e s, %M KiB peak" cargo check --quiet)
fi
