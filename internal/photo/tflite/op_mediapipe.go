package tflite

import "fmt"

func (b *builder) landmarksToMatrix(d *opDef) (op, error) {
	return nil, fmt.Errorf("%w custom operator %q", errUnsupported, d.custom)
}

func (b *builder) transformTensor(d *opDef) (op, error) {
	return nil, fmt.Errorf("%w custom operator %q", errUnsupported, d.custom)
}

func (b *builder) transformLandmarks(d *opDef) (op, error) {
	return nil, fmt.Errorf("%w custom operator %q", errUnsupported, d.custom)
}
