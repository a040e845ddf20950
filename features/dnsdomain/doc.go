// Package dnsdomain computes the dns-domain features: what one registrable
// domain's DNS queries add up to in a window. DNS tunnels and
// exfiltration tools (iodine, dns2tcp, dnscat2, DNSExfiltrator, Cobalt
// Strike and Sliver DNS) put their data in query names: many unique, long,
// encoded labels under one domain, often of TXT, NULL, CNAME or MX type.
// No single name gives them away; the domain's traffic over a window does.
//
// A unit is a registrable domain (Public Suffix List) in a 60 s window;
// windows start every 30 s, and each unit also carries features of the 10
// minutes that end with it, where low-and-slow exfiltration shows. The
// Stream is the one code path of ingest (dns.log and dnstap captures) and
// of the live scorer, so training and serving see the same numbers.
package dnsdomain
