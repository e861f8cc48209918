package register

import (
	"fmt"
	"strings"
)

// RowError is one bad row: its line in the file (1 is the header) and why.
type RowError struct {
	Line   int
	Reason string
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Errors lists every bad row of a file: the import is all-or-nothing, and an operator
// fixes the extract in one pass only if told everything at once.
type Errors struct {
	Rows []RowError
}

// Error lists the bad rows, one per line.
func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad rows", len(e.Rows))
	for i, r := range e.Rows {
		if i == 50 {
			fmt.Fprintf(&b, "\n… and %d more", len(e.Rows)-50)
			break
		}
		b.WriteString("\n")
		b.WriteString(r.String())
	}
	return b.String()
}
