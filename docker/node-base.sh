#!/usr/bin/env bash
# Makes a local Node base image for docker/Dockerfile where no registry image can be pulled:
# a minimal Debian bookworm rootfs (debootstrap, from Debian's mirror) with this machine's Node,
# npm and Node headers in /usr/local and a `node` user (uid 1000), laid out like the official
# node:20-bookworm-slim, imported into podman's store (buildah sees it too).
#
#   sudo docker/node-base.sh                 # makes localhost/node-base unless it exists
#   sudo docker/node-base.sh --force         # remakes it
#   buildah build --build-arg NODE_IMAGE=localhost/node-base -f docker/Dockerfile ...
#
# Env: NODE_BASE_IMAGE (localhost/node-base), DEBIAN_MIRROR (http://deb.debian.org/debian),
# NODE_BIN (`command -v node`). Needs root (debootstrap, chroot), debootstrap, podman, tar.
set -euo pipefail

image=${NODE_BASE_IMAGE:-localhost/node-base}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
force=false
[[ ${1:-} == --force ]] && force=true

fail() {
  echo "node-base: $*" >&2
  exit 1
}

for tool in debootstrap podman tar chroot; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found; on Debian: apt-get update && apt-get install -y debootstrap podman"
done
[[ $(id -u) == 0 ]] || fail "debootstrap needs root; run as root (or with sudo)"

if ! $force && podman image exists "$image"; then
  echo "node-base: $image exists (--force remakes it)"
  exit 0
fi

node_bin=$(readlink -f "${NODE_BIN:-$(command -v node || true)}")
[[ -x $node_bin ]] || fail "no node binary found (set NODE_BIN)"
node_version=$("$node_bin" -p process.version)
"$node_bin" -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  fail "node $node_version is too old: image-forge needs 20.19 or newer"
# npm and the headers sit beside the binary in every usual layout (/usr, /usr/local, nvm, a tarball).
prefix=$(dirname "$(dirname "$node_bin")")
npm_dir=$prefix/lib/node_modules/npm
[[ -f $npm_dir/bin/npm-cli.js ]] || fail "npm not found at $npm_dir"
headers=$prefix/include/node
[[ -f $headers/node_version.h ]] ||
  fail "Node headers not found at $headers (native addons would download them at build time)"

root=$(mktemp -d "${TMPDIR:-/tmp}/node-base.XXXXXX")
trap 'rm -rf "$root"' EXIT

echo "node-base: debootstrap --variant=minbase bookworm from $mirror (about 30 s)..."
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  {
    tail -n 20 "$root.log" >&2
    rm -f "$root.log"
    fail "debootstrap failed"
  }
rm -f "$root.log"
# Slim like debian:bookworm-slim: no docs, man pages or translations, now or from later installs;
# apt lists and packages come back with the image's own `apt-get update`.
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
# Like Debian's own images: apt keeps no package caches (77 MB after an `apt-get update`).
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
EOF
find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -rf "$root"/usr/share/{man,info}/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
  "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log "$root"/var/log/apt/*

echo "node-base: adding node $node_version, npm $("$node_bin" "$npm_dir/bin/npm-cli.js" -v) and headers from $prefix"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
cp -a "$headers" "$root/usr/local/include/node"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# The official image's user: uid and gid 1000, named node.
chroot "$root" /bin/sh -c 'groupadd --gid 1000 node &&
  useradd --uid 1000 --gid node --shell /bin/bash --create-home node' </dev/null
chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin node -e 'process.exit(0)' ||
  fail "node does not run inside the rootfs (is it linked against a newer glibc than bookworm's?)"

tar --numeric-owner -C "$root" -c . |
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'CMD ["node"]' \
    --quiet - "$image" >/dev/null
echo "node-base: made $image ($(podman image inspect "$image" --format '{{.Size}}' |
  awk '{ printf "%.0f MB", $1 / 1e6 }'))"
