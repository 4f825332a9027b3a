package rego

import (
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Error is a problem in one rule file, located at file:line:column.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

// Error formats e as file:line:column: message.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Errors is every problem found while loading a rule set. Callers tell a
// bad rule set from other failures with errors.As.
type Errors []*Error

// Error lists the problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// errAt builds an Error located at loc, or at the start of file when loc
// is unknown.
func errAt(file string, loc *ast.Location, format string, args ...any) *Error {
	e := &Error{File: file, Line: 1, Column: 1, Message: fmt.Sprintf(format, args...)}
	if loc != nil {
		if loc.File != "" {
			e.File = loc.File
		}
		e.Line, e.Column = loc.Row, loc.Col
	}
	return e
}

// fromAST converts OPA parse or compile errors into located Errors, and
// passes any other error through unchanged.
func fromAST(file string, err error) error {
	var astErrs ast.Errors
	if !errors.As(err, &astErrs) {
		var one *ast.Error
		if !errors.As(err, &one) {
			return err
		}
		astErrs = ast.Errors{one}
	}
	out := make(Errors, 0, len(astErrs))
	for _, e := range astErrs {
		out = append(out, errAt(file, e.Location, "%s", e.Message))
	}
	return out
}
