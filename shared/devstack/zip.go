package devstack

import (
	"archive/zip"
	"io"
	"os"
	"time"
)

// Zip packs a bootstrap as the zip a provided.al2023 function takes: one
// executable entry named bootstrap, with a fixed date so that the same
// binary gives the same zip (and the same CDK asset hash).
func Zip(bootstrap, dst string) error {
	in, err := os.Open(bootstrap)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = io.Copy(w, in)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
