package txtgen

// words are common English words that domains, mailbox names and prose
// are built from.
var words = []string{
	"about", "access", "acorn", "admin", "after", "agency", "alpine", "anchor", "answer", "apex",
	"april", "arcade", "art", "atlas", "aurora", "autumn", "badge", "bakery", "balance", "basket",
	"beacon", "berry", "bike", "birch", "blossom", "blue", "bold", "bridge", "bright", "brook",
	"budget", "cabin", "canvas", "capital", "carbon", "castle", "cedar", "chapter", "charter", "cherry",
	"circle", "civic", "clinic", "clover", "coast", "college", "comet", "common", "copper", "coral",
	"cosmos", "cotton", "council", "county", "craft", "creek", "crystal", "dawn", "delta", "dental",
	"desert", "district", "dome", "dove", "eagle", "echo", "element", "ember", "engine", "estate",
	"falcon", "family", "fern", "fiber", "finance", "flint", "focus", "forge", "fortune", "fountain",
	"frontier", "galaxy", "garnet", "glacier", "globe", "granite", "harbor", "harvest", "haven", "hawk",
	"heritage", "hollow", "honey", "horizon", "indigo", "insight", "island", "ivory", "jade", "journal",
	"junction", "juniper", "kernel", "keystone", "kitchen", "lagoon", "lantern", "legacy", "library", "lighthouse",
	"linen", "lotus", "lumen", "magnet", "maple", "marble", "meadow", "mentor", "mesa", "midway",
	"mission", "model", "monarch", "mosaic", "mountain", "museum", "nectar", "noble", "north", "oasis",
	"olive", "omega", "onyx", "orbit", "orchard", "origin", "otter", "pacific", "paper", "parish",
	"pebble", "pepper", "pilot", "pine", "pioneer", "plaza", "polar", "prairie", "prism", "quartz",
	"quest", "radiant", "raven", "ridge", "rocket", "rustic", "saddle", "sage", "salmon", "school",
	"sierra", "signal", "spark", "spruce", "stellar", "summit", "sunrise", "tandem", "thistle", "thunder",
	"timber", "topaz", "tower", "trail", "tribe", "tulip", "tundra", "union", "valley", "vector",
	"velvet", "venture", "vertex", "village", "vista", "voyage", "walnut", "willow", "winter", "zenith",
}
