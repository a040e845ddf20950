package scale

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/training/parallel"
)

// WriteCSV writes the generator's first sizes[j] rows to paths[j] (sizes
// ascending), all in one pass: a header key,label,family,<columns>, then
// one line per row keyed r<i>, each value as the shortest decimal that
// reads back as the same float64, so ingest stores exactly what Fill puts
// in a matrix. It returns the files' sizes in bytes.
func (g *Generator) WriteCSV(paths []string, sizes []int, threads int) ([]int64, error) {
	if len(paths) != len(sizes) || len(sizes) == 0 || !slices.IsSorted(sizes) {
		return nil, fmt.Errorf("scale csv: %d paths for sizes %v (ascending, one path each)", len(paths), sizes)
	}
	files := make([]*os.File, len(paths))
	ws := make([]*bufio.Writer, len(paths))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	header := "key,label,family," + strings.Join(g.base.Columns, ",") + "\n"
	for j, p := range paths {
		f, err := os.Create(p)
		if err != nil {
			return nil, fmt.Errorf("scale csv: %w", err)
		}
		files[j], ws[j] = f, bufio.NewWriterSize(f, 1<<20)
		ws[j].WriteString(header)
	}
	total := sizes[len(sizes)-1]
	blocks := (total + BlockRows - 1) / BlockRows
	threads = max(threads, 1)
	type chunk struct {
		buf  []byte
		ends []int // ends[k]: end of row k of the block in buf
	}
	chunks := make([]chunk, threads)
	for b0 := 0; b0 < blocks; b0 += threads {
		n := min(threads, blocks-b0)
		parallel.ForEach(threads, n, func(_, k int) {
			b := b0 + k
			c := &chunks[k]
			c.buf, c.ends = c.buf[:0], c.ends[:0]
			g.block(b, b*BlockRows, min((b+1)*BlockRows, total), func(i, label int, family string, vals []float64) {
				c.buf = append(c.buf, 'r')
				c.buf = strconv.AppendInt(c.buf, int64(i), 10)
				c.buf = append(c.buf, ',')
				c.buf = strconv.AppendInt(c.buf, int64(label), 10)
				c.buf = append(c.buf, ',')
				c.buf = append(c.buf, family...)
				for _, v := range vals {
					c.buf = append(c.buf, ',')
					c.buf = strconv.AppendFloat(c.buf, v, 'g', -1, 64)
				}
				c.buf = append(c.buf, '\n')
				c.ends = append(c.ends, len(c.buf))
			})
		})
		for k := range n {
			lo := (b0 + k) * BlockRows
			c := &chunks[k]
			for j, w := range ws {
				if rows := min(sizes[j]-lo, len(c.ends)); rows > 0 {
					w.Write(c.buf[:c.ends[rows-1]])
				}
			}
		}
	}
	out := make([]int64, len(paths))
	for j, w := range ws {
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("scale csv: %w", err)
		}
		if err := files[j].Close(); err != nil {
			return nil, fmt.Errorf("scale csv: %w", err)
		}
		st, err := os.Stat(paths[j])
		if err != nil {
			return nil, err
		}
		files[j], out[j] = nil, st.Size()
	}
	return out, nil
}
