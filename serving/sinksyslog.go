package serving

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
)

// syslogFacilities are the facilities a syslog --sink takes (facility=).
var syslogFacilities = map[string]int{"kern": 0, "user": 1, "daemon": 3, "auth": 4, "syslog": 5, "authpriv": 10,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23}

// syslogSeverities are the severities a syslog --sink takes (severity=).
var syslogSeverities = map[string]int{"emerg": 0, "alert": 1, "crit": 2, "err": 3, "warning": 4, "notice": 5, "info": 6, "debug": 7}

// maxSyslogUDP is the largest message sent in one UDP datagram (IPv4's
// limit); a larger one is refused (dropped and counted).
const maxSyslogUDP = 65507

// syslogWriter sends alerts as RFC 5424 messages: over UDP one a datagram
// (RFC 5426), over TCP or TLS with octet-counting framing ("LEN SP MSG",
// RFC 6587 3.4.1 and RFC 5425). Each message is
// "<PRI>1 TIMESTAMP HOSTNAME mlctl PROCID KIND - ECS-JSON": no structured
// data, the ECSAlert as MSG (no BOM, so collectors parse it as JSON).
type syslogWriter struct {
	network, addr string // udp, tcp (tls: tcp with tlsConf)
	tlsConf       *tls.Config
	pri           int
	hostname      string
	procID        string
	conn          net.Conn // nil: not connected
}

func newSyslogWriter(network, addr string, tlsConf *tls.Config, facility, severity int, hostname string) *syslogWriter {
	return &syslogWriter{network: network, addr: addr, tlsConf: tlsConf, pri: facility*8 + severity,
		hostname: syslogName(hostname, 255), procID: strconv.Itoa(os.Getpid())}
}

// syslogName is s as a 5424 header field: printable US-ASCII without
// spaces, at most max octets, "-" when empty.
func syslogName(s string, max int) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		if c > 32 && c < 127 {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return string(out[:min(len(out), max)])
}

// message is a's RFC 5424 message.
func (w *syslogWriter) message(a *registry.Alert) ([]byte, error) {
	doc, err := json.Marshal(NewECSAlert(a))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<%d>1 %s %s mlctl %s %s - ", w.pri, a.SeenAt.UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		w.hostname, w.procID, syslogName(a.Kind, 32))
	b.Write(doc)
	return b.Bytes(), nil
}

func (w *syslogWriter) send(ctx context.Context, alerts []registry.Alert) error {
	msgs := make([][]byte, 0, len(alerts))
	kept := make([]registry.Alert, 0, len(alerts))
	refused := 0
	for i := range alerts {
		m, err := w.message(&alerts[i])
		if err != nil || (w.network == "udp" && len(m) > maxSyslogUDP) {
			refused++
			continue
		}
		msgs, kept = append(msgs, m), append(kept, alerts[i])
	}
	if err := w.connect(ctx); err != nil {
		return &sendError{Retry: kept, Refused: refused, Err: err}
	}
	if d, ok := ctx.Deadline(); ok {
		w.conn.SetWriteDeadline(d)
	} else {
		w.conn.SetWriteDeadline(time.Time{})
	}
	conn := w.conn // a write blocked on a collector that does not read ends when ctx does (shutdown)
	defer context.AfterFunc(ctx, func() { conn.SetWriteDeadline(time.Now()) })()
	if w.network == "udp" {
		for i, m := range msgs {
			if _, err := w.conn.Write(m); err != nil {
				w.disconnect()
				return &sendError{Retry: kept[i:], Refused: refused, Err: fmt.Errorf("syslog %s: %w", w.addr, err)}
			}
		}
	} else {
		var b bytes.Buffer
		for _, m := range msgs {
			b.WriteString(strconv.Itoa(len(m)))
			b.WriteByte(' ')
			b.Write(m)
		}
		// A stream cut mid-batch is sent whole again on a new connection:
		// at least once, as TCP does not say what the peer read.
		if _, err := w.conn.Write(b.Bytes()); err != nil {
			w.disconnect()
			return &sendError{Retry: kept, Refused: refused, Err: fmt.Errorf("syslog %s: %w", w.addr, err)}
		}
	}
	if refused > 0 {
		return &sendError{Refused: refused, Err: mlctl.Errorf(mlctl.EINVALID, "syslog: %d alerts over %d bytes, too large for a UDP datagram", refused, maxSyslogUDP)}
	}
	return nil
}

// connect connects unless connected. A stream connection the collector
// closed (it sends nothing, so a read that does not time out means EOF or
// an error) is replaced first, rather than written into and lost.
func (w *syslogWriter) connect(ctx context.Context) error {
	if w.conn != nil && w.network != "udp" {
		w.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		var one [1]byte
		if _, err := w.conn.Read(one[:]); err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			w.disconnect()
		}
	}
	if w.conn != nil {
		return nil
	}
	d := net.Dialer{KeepAlive: 30 * time.Second}
	var c net.Conn
	var err error
	if w.tlsConf != nil {
		td := tls.Dialer{NetDialer: &d, Config: w.tlsConf}
		c, err = td.DialContext(ctx, "tcp", w.addr)
	} else {
		c, err = d.DialContext(ctx, w.network, w.addr)
	}
	if err != nil {
		return fmt.Errorf("syslog: connect to %s: %w", w.addr, err)
	}
	w.conn = c
	return nil
}

func (w *syslogWriter) disconnect() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

func (w *syslogWriter) close() error {
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}

// syslogPriority is the facility and severity of a syslog --sink's query
// (default local0 and warning).
func syslogPriority(facility, severity string) (int, int, error) {
	if facility == "" {
		facility = "local0"
	}
	if severity == "" {
		severity = "warning"
	}
	f, ok := syslogFacilities[strings.ToLower(facility)]
	if !ok {
		return 0, 0, mlctl.Errorf(mlctl.EINVALID, "facility=%s: want one of kern, user, daemon, auth, syslog, authpriv, local0 … local7", facility)
	}
	s, ok := syslogSeverities[strings.ToLower(severity)]
	if !ok {
		return 0, 0, mlctl.Errorf(mlctl.EINVALID, "severity=%s: want one of emerg, alert, crit, err, warning, notice, info, debug", severity)
	}
	return f, s, nil
}
