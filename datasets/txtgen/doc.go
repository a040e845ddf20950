// Package txtgen generates realistic DNS TXT records, seeded: the answers
// of DNS tunnel and C2 tools, built from each tool's wire format, and the
// records zones publish, with their real variety. It exists because the
// real TXT corpora hold one tunnel tool (dns2tcp) and one zone repository,
// and a model trained on them learns that tool and that zone (the TXT notebook's
// TXT LSTM: ROC-AUC 0.71 on another tool); bench/txt measures what the
// variety buys.
//
// A record's text is its character-strings concatenated, as serving reads
// a TXT record from a DNS message (serving/txtrecords.go), so a tool's
// 255-byte strings come back as one text; bytes are kept as the tool sent
// them (iodine's Base128 and raw codecs are not UTF-8).
//
// Tunnel and C2 tools (Group = the tool), with where the format was read:
//
//	iodine          t/s/u/v/r codec prefix + Base32/Base64/Base64u/Base128/raw of header+zlib fragment:
//	                yarrick/iodine src/iodined.c write_dns, src/base{32,64,128}.c, doc/proto_00000502.txt
//	dnscat2         lower-case hex of the packet, ≤241 characters: iagox86/dnscat2 doc/protocol.md,
//	                server/tunnel_drivers/driver_dns.rb
//	sliver          Sliver's base64 alphabet, no padding, 254-character strings, protobuf or encrypted
//	                bodies: BishopFox/sliver server/c2/dns.go, util/encoders/base64.go, protobuf/dnspb
//	cobaltstrike    ≤dns_max_txt (252) characters of task, 255-character stage records after
//	                dns_stager_prepend: Cobalt Strike user guide; the base64 encoding is assumed
//	godoh           "v=B2B3FE1C" / "v=A9F466E8,p=<hex>": sensepost/goDoH protocol/constants.go,
//	                dnsserver/server.go
//	chashell        "-" or hex of nonce+secretbox: sysdream/chashell cmd/server/chaserv.go,
//	                lib/transport/encoding.go
//	dnscapy         "<type>.<fields>.<base64 in 63-char labels>": dnscapy 0.1 dnscapy_server.py
//	ozymandns       two Perl encode_base64 strings (newline every 76 characters) or "Hi:  <date>":
//	                OzymanDNS nomde.pl reply_handler
//	dnsexfiltrator  "OK" and chunk numbers: Arno0x/DNSExfiltrator dnsexfiltrator.py
//	txtpayload      255-character base64 chunks and PowerShell commands: no0be/DNSlivery,
//	                samratashok/nishang Utility/Out-DnsTxt.ps1
//
// Benign kinds (Group = GroupMail, GroupDKIM, GroupVerification,
// GroupOther):
//
//	spf           RFC 7208 with providers' documented includes, ip4/ip6, a, mx, redirect
//	dmarc         RFC 7489 §6.3 tags, own and report services' rua/ruf addresses
//	mailpolicy    MTA-STS (RFC 8461), TLS-RPT (RFC 8460), BIMI
//	dkim          RFC 6376/8463: RSA 1024/2048 SubjectPublicKeyInfo, Ed25519, revoked keys
//	verification  about 60 providers' key=token records (token alphabet and length)
//	token         bare tokens: ACME (base64url 43), GitHub challenges, UUIDs, Azure, SES, DNSLink
//	prose         notes for people: contacts, ownership, ALIAS pointers
//
// Constant answers (godoh's idle "v=B2B3FE1C", chashell's "-",
// DNSExfiltrator's "OK") appear once per family: Generate returns distinct
// texts, as datasets' ingest keeps distinct rows.
package txtgen
