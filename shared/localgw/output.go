package localgw

import "bytes"

// lineWriter forwards a process's output line by line, prefixed, so that
// lines of concurrent instances never interleave. Each is written to by
// one os/exec copying goroutine only.
type lineWriter struct {
	fn     *Function
	prefix string
	buf    []byte
}

const maxLine = 64 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		n := bytes.IndexByte(w.buf, '\n')
		if n < 0 {
			break
		}
		w.emit(w.buf[:n+1])
		w.buf = append(w.buf[:0], w.buf[n+1:]...)
	}
	if len(w.buf) > maxLine {
		w.flush()
	}
	// Never fail: an error would make os/exec stop draining the pipe
	// and block the function.
	return len(p), nil
}

func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(append(w.buf, '\n'))
		w.buf = w.buf[:0]
	}
}

func (w *lineWriter) emit(line []byte) {
	w.fn.outMu.Lock()
	defer w.fn.outMu.Unlock()
	_, _ = w.fn.Output.Write(append([]byte(w.prefix), line...))
}
