package flow

import "github.com/mlctl/mlctl/datasets"

// Unanswered reports whether r is a connection attempt its responder never
// took up: it got no reply, or was refused. Such attempts are what a
// scanner leaves behind whatever it scans (ports of one host, one port of
// many hosts, pings), and what Jung et al.'s Threshold Random Walk scan
// detector counts as failed first contacts. By Zeek conn_state:
//
//	S0      attempt seen, no reply (TCP SYN unanswered; UDP with no answer)
//	REJ     attempt refused (RST in reply to the SYN: closed port)
//	RSTOS0  originator sent a SYN then a RST, never saw a SYN-ACK
//	SH      originator sent a SYN then a FIN, never saw a SYN-ACK
//
// and OTH (no handshake seen: every ICMP flow, TCP without a SYN) or no
// state, when the originator sent packets and the responder none: an
// unanswered ping, an ACK or FIN probe. Unlike FailedStates it leaves out
// RSTO and RSTR, connections the responder accepted before one side reset
// them. Without packet counts (the flow analyzer's CSV) only the states count.
func Unanswered(r *datasets.ConnRecord) bool {
	switch r.ConnState {
	case "S0", "REJ", "RSTOS0", "SH":
		return true
	case "OTH", "":
		return r.OrigPkts > 0 && r.RespPkts == 0
	}
	return false
}
