package provisioning

import (
	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the PNG's side in pixels: FlexiAPI's 300 px code with a 10 px
// margin comes out 320×320 (resources.md §5.2.5).
const QRSize = 320

// QRPNG encodes text as a QR code PNG: error correction level H, black
// modules on white, a quiet zone of four modules.
func QRPNG(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrcode.Highest)
	if err != nil {
		return nil, err
	}
	return q.PNG(QRSize)
}
