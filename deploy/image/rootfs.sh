#!/bin/sh
# rootfs.sh BINARY CA_BUNDLE DIR: lays out the files of mlctl's image under
# DIR (the Dockerfile's build stage runs it, and deploy/image.sh when it
# builds from a binary made on the host):
#   DIR/rootfs/mlctl                              the static binary, 0755
#   DIR/rootfs/etc/passwd, etc/group              root and mlctl (65532), no login shell
#   DIR/rootfs/etc/nsswitch.conf                  files before DNS, as Go's resolver reads it
#   DIR/rootfs/etc/ssl/certs/ca-certificates.crt  CA bundle for TLS to PostgreSQL, Temporal, webhooks
#   DIR/rootfs/tmp                                1777
#   DIR/rootfs/var/lib                            0755, root's
#   DIR/state/mlctl                               empty, 0700: the Dockerfile copies it to
#                                                 /var/lib/mlctl owned by 65532
# Nothing else: no shell, no libc.
set -eu
[ $# -eq 3 ] || { echo "usage: rootfs.sh BINARY CA_BUNDLE DIR" >&2; exit 2; }
bin=$1 ca=$2 dir=$3
[ -s "$ca" ] || { echo "rootfs.sh: no CA bundle at $ca (install ca-certificates)" >&2; exit 1; }
rm -rf "$dir/rootfs" "$dir/state"
mkdir -p "$dir/rootfs/etc/ssl/certs" "$dir/rootfs/tmp" "$dir/rootfs/var/lib" "$dir/state/mlctl"
install -m 0755 "$bin" "$dir/rootfs/mlctl"
install -m 0644 "$ca" "$dir/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nmlctl:x:65532:65532:mlctl:/var/lib/mlctl:/sbin/nologin\n' > "$dir/rootfs/etc/passwd"
printf 'root:x:0:\nmlctl:x:65532:\n' > "$dir/rootfs/etc/group"
printf 'hosts: files dns\n' > "$dir/rootfs/etc/nsswitch.conf"
chmod 0644 "$dir/rootfs/etc/passwd" "$dir/rootfs/etc/group" "$dir/rootfs/etc/nsswitch.conf"
chmod 1777 "$dir/rootfs/tmp"
chmod 0700 "$dir/state/mlctl"
