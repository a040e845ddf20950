// Package tunnelgen generates the DNS queries of tunnelling and
// exfiltration tools that have no Debian package, from their documented
// wire formats, and of the benign traffic that looks like them: training
// and benchmark data for the dns-domain model, beside the real iodine and
// dns2tcp sessions that deploy/tunnels records through a real unbound.
//
// The payloads are random bytes, as a tunnel's encrypted or compressed
// data are. Every generator takes a Session (domain, start, duration,
// payload rate, clients) and a seeded *rand.Rand: the same seed gives the
// same records.
//
// Sources of the query-name formats:
//   - dnscat2: iagox86/dnscat2, doc/protocol.md (packets hex-encoded into
//     labels, an optional "dnscat." tag, TXT, CNAME and MX queries) and
//     client/tunnel_drivers/driver_dns.c (labels of at most 63 characters,
//     names of at most 253, polling about once a second).
//   - DNSExfiltrator: Arno0x/DNSExfiltrator, README.md and dnsexfiltrator.py
//     ("init.<base32 of file name and chunk count>.base32.<domain>", then
//     "<chunk number>.<base64url or base32 chunk split into labels>.<domain>",
//     TXT queries; -t throttles).
//   - Cobalt Strike DNS beacon: Cobalt Strike's malleable C2 documentation,
//     the dns-beacon block (defaults: beacon "" for the A heartbeat of
//     "<beacon id>.<domain>", get_A "cdn.", get_AAAA "www6.", get_TXT "api.",
//     put_metadata "www.", put_output "post.", maxdns 255, sleep 60 s with
//     jitter); tasks and output travel hex-encoded in labels.
//   - Sliver DNS C2: BishopFox/sliver, implant/sliver/transports/dnsclient
//     (messages protobuf-encoded, then base32 without padding in lower case
//     (or base58), split into labels of at most 63 characters under the
//     parent domain, A and TXT queries, polling every few seconds).
//   - base32chunk and hexchunk: the generic exfiltration of scripts and
//     red-team one-liners: a file's bytes base32 or hex encoded, chunked into
//     labels with a sequence number, A queries.
package tunnelgen
