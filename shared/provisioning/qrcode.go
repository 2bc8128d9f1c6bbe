package provisioning

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the PNG's side in pixels: FlexiAPI's 300 px code with a 10 px
// margin comes out 320×320.
const QRSize = 320

// QRPNG encodes text as a QR code PNG: error correction level H, black
// modules on white, a quiet zone of at least four modules. As FlexiAPI's
// encoder does, every module is the same whole number of pixels and the
// leftover goes into the margin (the library, asked for a fixed image
// size, rounds per pixel and makes some modules a pixel wider than others).
func QRPNG(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrcode.Highest)
	if err != nil {
		return nil, err
	}
	modules := len(q.Bitmap()) // with the library's 4-module quiet zone
	scale := max(QRSize/modules, 1)
	code := q.Image(-scale) // modules × scale pixels, each module scale px
	side := max(QRSize, code.Bounds().Dx())
	canvas := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	offset := (side - code.Bounds().Dx()) / 2
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(canvas, code.Bounds().Add(image.Pt(offset, offset)), code, code.Bounds().Min, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, canvas); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
