package dga

import (
	"fmt"

	"github.com/mlctl/mlctl/datasets/dgagen"
)

// NamedRecipe returns a recipe by name: mlctl (the default recipe: the
// domain set, generated schemes and benign variety), mlctl-noaug (the
// domain set on the real rows only, the recipe before the generator),
// mlctl-nogen and mlctl-noreg (one part of the augmentation off),
// heidgaf44 (heiDGAF's 44 features with mlctl's trees) and
// heidgaf44-xgboost (the same with Debian's xgboost: the reference).
func NamedRecipe(name string) (Recipe, error) { return NamedRecipeWith(name, nil) }

// NamedRecipeWith is NamedRecipe with gbdt parameters for mlctl's recipes.
func NamedRecipeWith(name string, params map[string]string) (Recipe, error) {
	def := dgagen.DefaultAugment()
	switch name {
	case "mlctl":
		return MlctlRecipe(name, "domain", def, params), nil
	case "mlctl-noaug":
		return MlctlRecipe(name, "domain", dgagen.Augment{}, params), nil
	case "mlctl-nogen":
		a := def
		a.DGA, a.Benign = 0, 0
		return MlctlRecipe(name, "domain", a, params), nil
	case "mlctl-noreg":
		a := def
		a.Registrable = false
		return MlctlRecipe(name, "domain", a, params), nil
	case "mlctl-nobenign":
		a := def
		a.Benign = 0
		return MlctlRecipe(name, "domain", a, params), nil
	case "lstm":
		return LSTMRecipe(), nil
	case "heidgaf44-xgboost":
		return XGBoostReference(), nil
	case "heidgaf44":
		return MlctlRecipe(name, "heidgaf44", dgagen.Augment{}, params), nil
	}
	return Recipe{}, fmt.Errorf("unknown recipe %q", name)
}
