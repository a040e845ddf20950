// Package sinktest runs real peers of the scorer's alert outputs (--sink)
// in-process, for tests and benchmarks: syslog receivers over UDP, TCP and
// TLS that parse RFC 5424 with octet-counting framing, an HTTP server
// implementing Elasticsearch's _bulk API, a Splunk HTTP Event Collector,
// and the certificates a TLS peer needs.
package sinktest
