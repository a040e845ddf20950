// Package webhook posts JSON events to a URL, signed with HMAC-SHA256 so
// the receiver can check they came from mlctl and were not altered.
//
// Each request carries:
//
//	Content-Type:       application/json
//	X-Mlctl-Event:      the event's name, e.g. retrain.decision
//	X-Mlctl-Delivery:   an ID that stays the same across retries of one event
//	X-Mlctl-Timestamp:  Unix seconds when it was signed
//	X-Mlctl-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
//
// Signing the timestamp with the body lets a receiver refuse replays of an
// old request (Verify checks both).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	EventHeader     = "X-Mlctl-Event"
	DeliveryHeader  = "X-Mlctl-Delivery"
	TimestampHeader = "X-Mlctl-Timestamp"
	SignatureHeader = "X-Mlctl-Signature"
)

// SecretEnv is the environment variable a worker reads the signing secret
// from.
const SecretEnv = "MLCTL_WEBHOOK_SECRET"

// Event is one delivery.
type Event struct {
	Name     string // e.g. retrain.decision
	Delivery string // stable across retries
	Body     []byte // JSON
}

// Sign returns the signature header value for a body signed at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a request's signature and that its timestamp is within
// maxAge of now.
func Verify(secret []byte, h http.Header, body []byte, now time.Time, maxAge time.Duration) error {
	ts, err := strconv.ParseInt(h.Get(TimestampHeader), 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: %s %q is not Unix seconds", TimestampHeader, h.Get(TimestampHeader))
	}
	if age := now.Sub(time.Unix(ts, 0)); age > maxAge || age < -maxAge {
		return fmt.Errorf("webhook: signed %v ago, more than %v", age.Round(time.Second), maxAge)
	}
	if !hmac.Equal([]byte(h.Get(SignatureHeader)), []byte(Sign(secret, ts, body))) {
		return fmt.Errorf("webhook: %s does not match the body", SignatureHeader)
	}
	return nil
}

// CheckURL accepts http and https URLs with a host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("webhook URL %q: want http(s)://host/path", raw)
	}
	return nil
}

// Post delivers an event, signed with secret (which must not be empty),
// and fails unless the receiver answers 2xx.
func Post(ctx context.Context, client *http.Client, target string, secret []byte, e Event, now time.Time) error {
	if err := CheckURL(target); err != nil {
		return err
	}
	if len(secret) == 0 {
		return fmt.Errorf("webhook %s: no signing secret (set %s where the worker runs)", target, SecretEnv)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(e.Body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", target, err)
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mlctl-webhook/1")
	req.Header.Set(EventHeader, e.Name)
	req.Header.Set(DeliveryHeader, e.Delivery)
	req.Header.Set(TimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(SignatureHeader, Sign(secret, ts, e.Body))
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return fmt.Errorf("webhook %s answered %s: %s", target, resp.Status, strings.TrimSpace(string(msg)))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return nil
}
