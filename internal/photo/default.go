package photo

import "errors"

// OpenDefault returns an Engine over the project's own face models.
func OpenDefault(opt Options) (*Engine, error) {
	return nil, errors.New("photo: face models not available in this build yet")
}
