package agent

import (
	"bytes"
	"encoding/binary"
	"image/png"
)

// osIcon wraps a PNG icon in an ICO container, which the Windows tray
// takes (Vista and later read PNG-compressed ICO entries).
func osIcon(data []byte) []byte {
	w, h := 0, 0
	if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err == nil {
		w, h = cfg.Width, cfg.Height
	}
	if w >= 256 {
		w = 0 // 0 means 256 or more
	}
	if h >= 256 {
		h = 0
	}
	var b bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image.
	_ = binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1})
	// ICONDIRENTRY: width, height, colours, reserved, planes, bpp, size, offset.
	b.Write([]byte{byte(w), byte(h), 0, 0})
	_ = binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})
	_ = binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(len(data)), 6 + 16})
	b.Write(data)
	return b.Bytes()
}
