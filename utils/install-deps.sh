#!/bin/sh
# install-deps.sh - installs the Debian packages a task needs, only when
# one is missing.  As root it runs apt-get; otherwise it prints the exact
# command to run.  Nothing is fetched from anywhere but Debian's archive.
#
#   utils/install-deps.sh build [MALLOC=libc|jemalloc]   compile the server
#   utils/install-deps.sh test  [MALLOC=...]              build + run every test
#   utils/install-deps.sh arm                             cross builds + qemu
#   utils/install-deps.sh bench                           side-by-side benchmark
#   utils/install-deps.sh fuzz                            make fuzz (clang, libFuzzer)
set -e

task=${1:-build}
malloc=jemalloc
for arg in "$@"; do
    case "$arg" in MALLOC=*) malloc=${arg#MALLOC=} ;; esac
done

# Lua 5.1 with the cjson and bit modules (scripting, src/script/), linked
# statically from Debian's archives.
lua="liblua5.1-0-dev lua-cjson-dev lua-bitop-dev"
pkgs="gcc make libc6-dev $lua"
[ "$malloc" = jemalloc ] && pkgs="$pkgs libjemalloc-dev"
case "$task" in
    build) ;;
    # expect: the cli's pty tests; procps: kill, used by the Tcl harness;
    # python3: utils/check-layers.py and utils/check-outside.py
    test) pkgs="$pkgs tcl libhiredis-dev redis-server expect procps python3" ;;
    # The Tcl suite runs against the ARM server with the native cli and
    # benchmark as clients, so it needs what `test` needs for them.
    # The cross builds link Debian's Lua of each target: multiarch
    # packages (:arm64, :armhf) from the same archive.
    arm) pkgs="$pkgs tcl expect procps gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross libc6-dev-armhf-cross qemu-user"
         for a in arm64 armhf; do for p in $lua; do pkgs="$pkgs $p:$a"; done; done ;;
    bench) pkgs="$pkgs redis-server redis-tools tcl bc valgrind" ;;
    # clang's libFuzzer with ASan/UBSan runtimes
    fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
    *) echo "usage: $0 build|test|arm|bench|fuzz [MALLOC=libc|jemalloc]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

# Multiarch packages need their architecture known to dpkg first.
archs=""
for p in $missing; do
    case "$p" in *:*) a=${p##*:}; dpkg --print-foreign-architectures | grep -qx "$a" || archs="$archs $a" ;; esac
done
archs=$(echo $archs | tr ' ' '\n' | sort -u | tr '\n' ' ')

if [ "$(id -u)" = 0 ]; then
    echo "Installing missing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    for a in $archs; do dpkg --add-architecture "$a"; done
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
else
    echo "Missing Debian packages:$missing"
    add=""
    for a in $archs; do add="${add}dpkg --add-architecture $a && "; done
    echo "Run as root:  ${add}apt-get update && apt-get install -y$missing"
    exit 1
fi
