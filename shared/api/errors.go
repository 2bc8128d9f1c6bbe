package api

import "errors"

// ErrorTable maps the domain errors that reach one API package's handlers
// to their answers: the one place that package decides the status and
// message of a domain error. Every exported error of the package's domain
// has an entry, which its unit test checks (apitest.CheckErrorTable).
type ErrorTable []ErrorCase

// ErrorCase is one entry: a domain error (matched with errors.Is, so a
// wrapped one counts) and the answer.
type ErrorCase struct {
	Err    error
	Answer *Error
}

// Answer returns err's answer, or err itself when no entry matches (the
// router then logs it and answers 500: a bug, or a failed dependency).
func (t ErrorTable) Answer(err error) error {
	for _, c := range t {
		if errors.Is(err, c.Err) {
			a := *c.Answer
			return &a
		}
	}
	return err
}
