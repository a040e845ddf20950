package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPostSignsWhatAReceiverVerifies(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"outcome":"promoted"}`)
	now := time.Unix(1_790_000_000, 0)
	got := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := Verify(secret, r.Header, b, now.Add(time.Minute), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		got <- r.Header
	}))
	defer srv.Close()
	if err := Post(context.Background(), nil, srv.URL, secret, Event{Name: "retrain.decision", Delivery: "wf-1", Body: body}, now); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if h.Get(EventHeader) != "retrain.decision" || h.Get(DeliveryHeader) != "wf-1" {
		t.Fatalf("headers %v", h)
	}
	// The signature is a plain HMAC-SHA256 any receiver can compute.
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("1790000000." + string(body)))
	if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); h.Get(SignatureHeader) != want {
		t.Fatalf("signature %s, want %s", h.Get(SignatureHeader), want)
	}
}

func TestVerifyRefusesTamperingReplayAndWrongSecret(t *testing.T) {
	secret, body, now := []byte("k"), []byte(`{"a":1}`), time.Unix(1_790_000_000, 0)
	h := http.Header{}
	h.Set(TimestampHeader, "1790000000")
	h.Set(SignatureHeader, Sign(secret, now.Unix(), body))
	if err := Verify(secret, h, body, now, time.Minute); err != nil {
		t.Fatalf("genuine request refused: %v", err)
	}
	if err := Verify(secret, h, []byte(`{"a":2}`), now, time.Minute); err == nil {
		t.Fatal("altered body accepted")
	}
	if err := Verify([]byte("other"), h, body, now, time.Minute); err == nil {
		t.Fatal("wrong secret accepted")
	}
	if err := Verify(secret, h, body, now.Add(time.Hour), time.Minute); err == nil || !strings.Contains(err.Error(), "ago") {
		t.Fatalf("replay an hour later: %v", err)
	}
}

func TestPostFailsOnNon2xxAndWithoutSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusBadGateway)
	}))
	defer srv.Close()
	err := Post(context.Background(), nil, srv.URL, []byte("k"), Event{Name: "x", Body: []byte(`{}`)}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "502") || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("non-2xx: %v", err)
	}
	err = Post(context.Background(), nil, srv.URL, nil, Event{Name: "x", Body: []byte(`{}`)}, time.Now())
	if err == nil || !strings.Contains(err.Error(), SecretEnv) {
		t.Fatalf("no secret: %v", err)
	}
	if err := CheckURL("ftp://x"); err == nil {
		t.Fatal("ftp URL accepted")
	}
}
