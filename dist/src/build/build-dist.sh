#!/usr/bin/env bash
# Builds the self-contained bgtask for Linux (run by dist/pom.xml; docs/shipping.md):
#   build-dist.sh JAVA_HOME MODULE_DIR COMPLETION_SCRIPT MAN1_DIR OUTPUT_DIR NAME
# OUTPUT_DIR/NAME/ is the distribution and OUTPUT_DIR/NAME.tar.gz its archive:
#   bin/bgtask                                   the launcher (POSIX sh)
#   runtime/                                     jlink image: the JDK modules bgtasks needs and bgtasks' modules,
#                                                with lib/server/classes.jsa trained on bgtask's calls
#   share/bash-completion/completions/bgtask     bash completion; zsh sources it too (bashcompinit)
#   share/man/man1/bgtask*.1                     a man page per command
set -euo pipefail
java_home="$1" mods="$2" completion="$3" man1="$4" out="$5" name="$6"
here="$(cd "$(dirname "$0")/../.." && pwd)"
dist="$out/$name"
started=$(date +%s)

rm -rf "$dist" "$out/$name.tar.gz"
mkdir -p "$dist/bin" "$dist/share/bash-completion/completions" "$dist/share/man/man1"

# The runtime: only what the CLI module requires, plus the service providers found with ServiceLoader
# (the SLF4J providers, the OS backends: dev.bgtasks.cli requires those, so they come along). The JDK's own
# commands stay: the broker starts Java tasks with this runtime's bin/java.
# JNA and sqlite-jdbc carry their native library for every OS and CPU (about 25 MB); on x86-64 only that one
# stays (the runtime itself is a glibc x86-64 one, so no other could load anyway).
excludes=()
if [ "$(uname -m)" = x86_64 ]; then
  # jlink splits its pattern list at commas, so each directory is a pattern of its own.
  patterns=()
  for dir in aix-ppc aix-ppc64 darwin-aarch64 darwin-x86-64 dragonflybsd-x86-64 freebsd-aarch64 freebsd-x86-64 \
      freebsd-x86 openbsd-x86-64 sunos-sparc sunos-sparcv9 sunos-x86-64 sunos-x86 win32-aarch64 win32-x86-64 \
      win32-x86 linux-aarch64 linux-arm linux-armel linux-loongarch64 linux-mips64el linux-ppc linux-ppc64le \
      linux-riscv64 linux-s390x linux-x86; do
    patterns+=("glob:/com.sun.jna/com/sun/jna/$dir/**")
  done
  for dir in FreeBSD Linux-Android Linux-Musl Mac Windows Linux/aarch64 Linux/arm Linux/armv6 Linux/armv7 \
      Linux/ppc64 Linux/riscv64 Linux/x86; do
    patterns+=("glob:/org.xerial.sqlitejdbc/org/sqlite/native/$dir/**")
  done
  excludes=(--exclude-resources="$(IFS=,; echo "${patterns[*]}")")
fi
"$java_home/bin/jlink" --module-path "$mods" \
  --add-modules dev.bgtasks.cli,org.slf4j.simple,ch.qos.logback.classic \
  --strip-debug --no-header-files --no-man-pages --compress=2 "${excludes[@]}" \
  --output "$dist/runtime"

install -m 755 "$here/src/dist/bin/bgtask" "$dist/bin/bgtask"
install -m 644 "$completion" "$dist/share/bash-completion/completions/bgtask"
cp "$man1"/*.1 "$dist/share/man/man1/"

# The class-data archive: the classes bgtask's calls load, listed by training calls against a broker of their
# own (the first call starts it, in a scratch BGTASKS_HOME), dumped as the runtime's default archive, so every
# call maps them without an option. The JVM checks the archive against the runtime itself and ignores it
# when they differ; -Xshare:on below fails the build instead.
# As bin/bgtask starts them: Bgtask by its class name rather than with -m, and G1. JDK 17 archives the boot
# layer's resolved module graph (the "full module graph") only for a JVM without a main module, and maps it,
# like every archived heap object, only with G1; with -m each call resolved the graph anew, about 14 ms
# (issue 18). DistributionTest checks that calls map it.
train="$(mktemp -d /tmp/bgtd.XXXXXX)"
stop_broker() {
  if [ -f "$train/home/run/broker.pid" ]; then
    kill "$(cat "$train/home/run/broker.pid")" 2>/dev/null || true
  fi
  rm -rf "$train"
}
trap stop_broker EXIT
app=dev.bgtasks.dist.training
n=0
while read -r -a args; do
  n=$((n + 1))
  BGTASKS_HOME="$train/home" "$dist/runtime/bin/java" -XX:DumpLoadedClassList="$train/$n.classlist" \
    -XX:+UseG1GC -XX:TieredStopAtLevel=1 dev.bgtasks.cli.Bgtask "${args[@]}" \
    > "$train/$n.out" 2>&1 || { echo "build-dist: training call 'bgtask ${args[*]}' failed:" >&2; cat "$train/$n.out" >&2; exit 1; }
done <<CALLS
access request --app $app
register --app $app --name training -- /bin/true
tasks --app $app --json
tasks --app $app
trigger --app $app --json
runs --app $app --json
runs --app $app
signals --json
signals
access status --app $app
doctor
--help
runs --help
CALLS
# Each line once, in load order, without the class numbers a JDK 25 list carries (two lists' numbers clash).
cat "$train"/*.classlist | sed 's/ id: [0-9][0-9]*$//' | awk '!seen[$0]++' > "$train/all.classlist"
"$dist/runtime/bin/java" -XX:+UseG1GC -Xshare:dump -XX:SharedClassListFile="$train/all.classlist" \
  -XX:SharedArchiveFile="$dist/runtime/lib/server/classes.jsa" > "$train/dump.log" 2>&1 \
  || { cat "$train/dump.log" >&2; exit 1; }
"$dist/runtime/bin/java" -XX:+UseG1GC -Xshare:on dev.bgtasks.cli.Bgtask --version > /dev/null

tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "build-dist: $out/$name.tar.gz ($(du -sh "$dist" | cut -f1) unpacked, $(du -h "$out/$name.tar.gz" | cut -f1)) in $(( $(date +%s) - started )) s"
