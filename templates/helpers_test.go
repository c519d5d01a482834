package templates

import (
	"errors"
	"slices"
)

var errTest = errors.New("test error")

func isErr(err, target error) bool { return errors.Is(err, target) }

func slicesSort(s []string) { slices.Sort(s) }
