# syntax=docker/dockerfile:1
# mlctl's container image: one static binary on an empty base. No shell, no
# package manager, no libc; runs as uid/gid 65532 (mlctl), never root.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t mlctl .
#   docker run --rm mlctl --version
#
# `make image` builds it with docker, podman or buildah, whichever works
# here (see deploy/image.sh). deploy/compose.yaml runs the whole stack.

ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
# Modules first, so a source change does not download them again.
ARG GOPROXY=https://proxy.golang.org,direct
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=devel
ARG TARGETOS=linux
ARG TARGETARCH=amd64
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X github.com/mlctl/mlctl/cli.version=${VERSION}" \
      -o /out/mlctl ./cmd/mlctl
# The final image's files, laid out by the same script `make image` runs
# when no Go image can be pulled.
RUN sh deploy/image/rootfs.sh /out/mlctl /etc/ssl/certs/ca-certificates.crt /image

FROM scratch
ARG VERSION=devel
LABEL org.opencontainers.image.title="mlctl" \
      org.opencontainers.image.description="ML lifecycle for network threat detection: worker, scorer and CLI" \
      org.opencontainers.image.source="https://github.com/mlctl/mlctl" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /image/rootfs/ /
# The state directory, the only place mlctl writes: the scorer's alert
# spool and last verified model. Mount a volume on it.
COPY --from=build --chown=65532:65532 /image/state/ /var/lib/
ENV MLCTL_STATE_DIR=/var/lib/mlctl HOME=/var/lib/mlctl
WORKDIR /var/lib/mlctl
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/mlctl"]
CMD ["--help"]
