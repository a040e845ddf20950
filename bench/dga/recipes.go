package dga

import (
	"fmt"

	"github.com/mlctl/mlctl/datasets/dgagen"
)

// NamedRecipe returns a recipe by name: mlctl (the default recipe: the
// domain set, generated schemes and benign variety), mlctl-noaug (the
// domain set on the real rows only, the recipe before the generator),
// mlctl-nogen and mlctl-noreg (one part of the augmentation off),
// heidgaf44 (seed 000's 44 features with mlctl's trees) and
// heidgaf44-xgboost (the same with Debian's xgboost: the reference).
func NamedRecipe(name string) (Recipe, error) {
	def := dgagen.DefaultAugment()
	switch name {
	case "mlctl":
		return MlctlRecipe(name, "domain", def, nil), nil
	case "mlctl-noaug":
		return MlctlRecipe(name, "domain", dgagen.Augment{}, nil), nil
	case "mlctl-nogen":
		a := def
		a.DGA, a.Benign = 0, 0
		return MlctlRecipe(name, "domain", a, nil), nil
	case "mlctl-noreg":
		a := def
		a.Registrable = false
		return MlctlRecipe(name, "domain", a, nil), nil
	case "mlctl-nobenign":
		a := def
		a.Benign = 0
		return MlctlRecipe(name, "domain", a, nil), nil
	case "heidgaf44-xgboost":
		return XGBoostReference(), nil
	case "heidgaf44":
		return MlctlRecipe(name, "heidgaf44", dgagen.Augment{}, nil), nil
	}
	return Recipe{}, fmt.Errorf("unknown recipe %q", name)
}
