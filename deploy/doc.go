// Package deploy holds how mlctl is run outside a checkout: the container
// image (../Dockerfile, image/), deploy/compose.yaml and the systemd units
// under systemd/. It has no code; its tests check those files against the
// mlctl binary they run (every command and flag they pass exists) and
// against the tools that read them (systemd-analyze).
package deploy
