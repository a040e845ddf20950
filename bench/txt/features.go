package txtbench

import "github.com/mlctl/mlctl/features"

// ShapeFeatureNames name the columns of ShapeFeatures: the txt-shape
// feature set's (features.TXTShapeNames).
var ShapeFeatureNames = features.TXTShapeNames

// ShapeFeatures appends the txt-shape features of record to dst
// (features.TXTShape).
func ShapeFeatures(record string, dst []float32) []float32 { return features.TXTShape(record, dst) }
