#!/usr/bin/env bash
# Issue 19: the suite must pass wherever a user clones the project. Copies this checkout (its
# tracked files as they are now, plus the installed node_modules) into a private directory
# (mktemp -d, mode 0700, like a home directory) and runs the end-to-end project there:
#   1. as the current user;
#   2. when running as root with setpriv: as uid/gid 65534 with no supplementary groups, from a
#      0700 directory that user owns (so the suite's non-root paths run too).
# Exit status: non-zero when a run fails. A step the machine cannot do is reported and skipped.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
[ -d "$src/node_modules" ] || { echo "check-portability: run npm ci first" >&2; exit 2; }

scratch=()
cleanup() { for d in "${scratch[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT

# The checkout's path has a space and a non-ASCII letter, as a user's folder may.
sub='dev ü space/krishiv-auth'
# copy the checkout into "$1/$sub" (tracked and new files as they are now, + node_modules; no dist)
copy_checkout() {
  mkdir -p "$1/$sub"
  (cd "$src" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$1/$sub"
  cp -a "$src/node_modules" "$1/$sub/node_modules"
}

e2e='npm run build --silent && npx vitest run --project e2e'

own="$(mktemp -d)"; scratch+=("$own")
chmod 0700 "$own"
copy_checkout "$own"
echo "== portability: e2e as $(id -un) from a 0700 checkout ($own)"
(cd "$own/$sub" && bash -c "$e2e")

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  other="$(mktemp -d)"; scratch+=("$other")
  copy_checkout "$other"
  chown -R 65534:65534 "$other"
  chmod 0700 "$other"
  echo "== portability: e2e as uid 65534 from a 0700 checkout it owns ($other)"
  # no supplementary groups, a umask that keeps everything private, a home the user owns
  (cd "$other/$sub" && setpriv --reuid=65534 --regid=65534 --clear-groups \
    env -i PATH="$PATH" HOME="$other" bash -c "umask 077 && $e2e")
else
  echo "== portability: not root or no setpriv: the unprivileged run is skipped"
fi
