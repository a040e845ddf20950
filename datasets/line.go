package datasets

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineBytes is the longest input line read; a longer one becomes a bad
// row and reading goes on with the next line.
const MaxLineBytes = 1 << 20

// lineReader yields lines without their line ending ("\n" or "\r\n") and
// without a leading UTF-8 byte order mark, counting them from 1.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	n   int
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line and its number. The bytes are valid until the
// following call. When the line is longer than MaxLineBytes, tooLong is set
// and line holds its beginning. At the end of input err is io.EOF.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			l.buf = append(l.buf, chunk...)
			if len(l.buf) > MaxLineBytes+2 {
				tooLong = true
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && len(l.buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		break
	}
	l.n++
	line = bytes.TrimSuffix(l.buf, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if l.n == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	if len(line) > MaxLineBytes {
		tooLong = true
	}
	if tooLong && len(line) > maxValueBytes+8 {
		line = line[:maxValueBytes+8]
	}
	return line, tooLong, nil
}

// ReadLines calls line with each line of r (without its line ending and a
// leading byte order mark) and its 1-based number, until r ends; tooLong
// marks a line over MaxLineBytes, of which only the start is given. It
// returns the first read error other than io.EOF.
func ReadLines(r io.Reader, line func(text []byte, n int, tooLong bool)) error {
	lr := newLineReader(r)
	for {
		text, tooLong, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line(text, lr.n, tooLong)
	}
}
