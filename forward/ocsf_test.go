package forward

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOCSF sends findings to an OCSF file output and an OCSF webhook and
// checks both carry Detection Findings.
func TestOCSF(t *testing.T) {
	rc := newReceiver()
	rc.idOf = func(body []byte) []string { return []string{ocsfUID(t, body)} }
	srv := rc.start(t)
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{
		{Type: TypeOCSF, Name: "ocsf-file", Path: path},
		{Type: TypeOCSF, Name: "ocsf-hook", URL: srv.URL, Retry: fastRetry},
	}})
	const n = 5
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 10*time.Second, "both outputs", func() bool { return counter(t, reg, "delivered_total") == 2*n })
	if u, _ := rc.counts(); u != n {
		t.Errorf("webhook got %d OCSF findings, want %d", u, n)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var doc struct {
			ClassUID    int   `json:"class_uid"`
			TypeUID     int   `json:"type_uid"`
			CategoryUID int   `json:"category_uid"`
			ActivityID  int   `json:"activity_id"`
			SeverityID  int   `json:"severity_id"`
			Time        int64 `json:"time"`
			Metadata    struct {
				Version string `json:"version"`
				Product struct {
					Name string `json:"name"`
				} `json:"product"`
			} `json:"metadata"`
			FindingInfo struct {
				UID      string `json:"uid"`
				Title    string `json:"title"`
				Analytic struct {
					UID string `json:"uid"`
				} `json:"analytic"`
			} `json:"finding_info"`
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.ClassUID != 2004 || doc.TypeUID != 200401 || doc.CategoryUID != 2 || doc.ActivityID != 1 ||
			doc.SeverityID != 4 || doc.Time == 0 || doc.Metadata.Version == "" || doc.Metadata.Product.Name != "splicewatch" ||
			doc.FindingInfo.UID == "" || doc.FindingInfo.Title == "" || doc.FindingInfo.Analytic.UID != "SPW-001" {
			t.Errorf("OCSF document = %s", sc.Bytes())
		}
	}
	if lines != n {
		t.Errorf("%d OCSF lines, want %d", lines, n)
	}
}

func ocsfUID(t *testing.T, body []byte) string {
	var doc struct {
		ClassUID    int `json:"class_uid"`
		FindingInfo struct {
			UID string `json:"uid"`
		} `json:"finding_info"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.ClassUID != 2004 {
		t.Errorf("webhook body is not an OCSF Detection Finding: %s", body)
	}
	return doc.FindingInfo.UID
}
