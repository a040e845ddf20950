#!/usr/bin/env bash
# image.sh (`make image`): builds mlctl's container image from the
# Dockerfile with docker, podman or buildah, whichever works here, and checks
# it: `--version` runs, the user is 65532:65532, there is no shell.
#
#   IMAGE      tag to build (default mlctl:$VERSION, and mlctl:latest)
#   VERSION    stamped into the binary (default: git describe)
#   TOOL       docker | podman | buildah (default: the first that works)
#   GO_IMAGE   the build stage's Go image (default the Dockerfile's)
#   RUN_FLAGS  extra flags for the check's `run` (e.g. a sandbox's
#              "--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024")
#
# When the Go image cannot be pulled (no access to Docker Hub), it builds the
# binary on this host with the Dockerfile's flags, lays out the same files
# with deploy/image/rootfs.sh, and builds the Dockerfile's final stage alone
# from them: the same image, without the build stage.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
IMAGE=${IMAGE:-mlctl:$VERSION}
GO_IMAGE=${GO_IMAGE:-$(sed -n 's/^ARG GO_IMAGE=//p' Dockerfile)}
log() { echo "image: $*" >&2; }

pick_tool() {
  if [[ -n ${TOOL:-} ]]; then echo "$TOOL"; return; fi
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then echo docker; return; fi
  if command -v podman >/dev/null; then echo podman; return; fi
  if command -v buildah >/dev/null; then echo buildah; return; fi
  log "no container tool: docker has no daemon here ($(docker info 2>&1 | grep -m1 -i 'cannot connect' || echo 'docker not installed')), and neither podman nor buildah is installed (apt-get install podman buildah)"
  exit 1
}
TOOL=$(pick_tool)
build() { if [[ $TOOL == buildah ]]; then buildah build "$@"; else "$TOOL" build "$@"; fi; }

if pull_err=$("$TOOL" pull "$GO_IMAGE" 2>&1 >/dev/null); then
  log "$TOOL: building the Dockerfile (build stage $GO_IMAGE)"
  build --build-arg VERSION="$VERSION" --build-arg GO_IMAGE="$GO_IMAGE" -t "$IMAGE" -t mlctl:latest -f Dockerfile .
else
  log "$TOOL cannot pull $GO_IMAGE: $(tail -n1 <<<"$pull_err")"
  log "building the binary on this host and the Dockerfile's final stage from it"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  # The Dockerfile's build stage's go build, flag for flag.
  CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
    -ldflags "-s -w -buildid= -X github.com/mlctl/mlctl/cli.version=${VERSION}" -o "$ctx/mlctl" ./cmd/mlctl
  sh deploy/image/rootfs.sh "$ctx/mlctl" /etc/ssl/certs/ca-certificates.crt "$ctx/image"
  # The final stage, reading from the build context instead of the stage.
  sed -n '/^FROM scratch/,$p' Dockerfile | sed -e 's#--from=build ##' -e 's# /image/# image/#' > "$ctx/Containerfile"
  build --build-arg VERSION="$VERSION" -t "$IMAGE" -t mlctl:latest -f "$ctx/Containerfile" "$ctx"
fi

# The checks: it runs, as 65532, with nothing but /mlctl to run.
if [[ $TOOL == buildah ]]; then
  user=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$IMAGE")
else
  user=$("$TOOL" image inspect --format '{{.Config.User}}' "$IMAGE")
fi
[[ $user == 65532:65532 ]] || { log "$IMAGE runs as \"$user\", want 65532:65532"; exit 1; }
if [[ $TOOL == buildah ]]; then
  log "built $IMAGE (user $user); buildah cannot run it: check it with podman or docker"
  exit 0
fi
# shellcheck disable=SC2086
if ! out=$("$TOOL" run --rm ${RUN_FLAGS:-} "$IMAGE" --version 2>&1); then
  log "built $IMAGE but it does not run here: $out"
  exit 1
fi
log "$out"
# shellcheck disable=SC2086
if "$TOOL" run --rm ${RUN_FLAGS:-} --entrypoint /bin/sh "$IMAGE" -c true >/dev/null 2>&1; then
  log "$IMAGE has a shell at /bin/sh: it should not"
  exit 1
fi
log "built $IMAGE: runs as $user, no shell; $("$TOOL" image inspect --format '{{.Size}}' "$IMAGE") bytes"
