package datasets

// demoWords are common English words that demo names are built from, both
// benign ones and those of wordlist DGAs (which is what makes those hard).
var demoWords = []string{
	"able", "account", "acme", "active", "agent", "air", "alpha", "amber", "angel", "apple",
	"arch", "area", "arrow", "art", "atlas", "audio", "auto", "baby", "bank", "base",
	"bay", "beach", "bear", "best", "big", "bird", "black", "blue", "board", "boat",
	"body", "book", "box", "brain", "bright", "build", "bus", "buy", "cable", "call",
	"camp", "car", "card", "care", "cash", "cat", "center", "chain", "chat", "city",
	"class", "clean", "clear", "click", "cloud", "club", "coast", "code", "coffee", "color",
	"core", "craft", "credit", "cross", "crown", "cube", "daily", "data", "deal", "deep",
	"delta", "design", "dev", "digital", "direct", "doctor", "dog", "door", "dream", "drive",
	"early", "earth", "east", "easy", "eco", "edge", "energy", "event", "expert", "express",
	"face", "fair", "farm", "fast", "field", "file", "film", "fire", "first", "fish",
	"fit", "flash", "flow", "fly", "food", "force", "forest", "form", "free", "fresh",
	"friend", "fun", "game", "garden", "gate", "gear", "gift", "global", "gold", "good",
	"green", "grid", "group", "guide", "happy", "health", "heart", "help", "hill", "home",
	"horizon", "host", "hotel", "house", "hub", "idea", "image", "info", "insight", "iron",
	"island", "jet", "job", "joy", "key", "kid", "king", "lab", "lake", "land",
	"law", "learn", "life", "light", "line", "link", "live", "local", "logic", "love",
	"lucky", "mail", "main", "map", "market", "master", "media", "metro", "micro", "mind",
	"mobile", "money", "moon", "motor", "music", "nature", "net", "news", "next", "night",
	"north", "nova", "ocean", "office", "one", "open", "orange", "page", "palm", "park",
	"pay", "peak", "pet", "photo", "pixel", "planet", "play", "plus", "point", "power",
	"prime", "pro", "pure", "quick", "radio", "rain", "rapid", "real", "red", "river",
	"road", "rock", "royal", "safe", "sale", "sea", "secure", "shop", "silver", "simple",
	"sky", "smart", "snow", "social", "solar", "sound", "south", "space", "sport", "star",
	"stone", "store", "street", "studio", "style", "sun", "swift", "system", "team", "tech",
	"time", "top", "total", "tour", "town", "trade", "travel", "tree", "true", "union",
	"unit", "urban", "value", "vision", "water", "wave", "web", "west", "white", "wild",
	"wind", "wise", "wood", "work", "world", "zen", "zone",
}

// tldShare is one top-level domain and its weight in demo names.
type tldShare struct {
	tld    string
	weight int
}

// benignTLDs is a realistic mix: mostly .com, then other generic and
// country-code domains, some with a second level (co.uk, com.br).
var benignTLDs = []tldShare{
	{"com", 46}, {"net", 9}, {"org", 9}, {"de", 5}, {"co.uk", 4}, {"io", 3},
	{"ru", 3}, {"fr", 2}, {"jp", 2}, {"com.br", 2}, {"nl", 2}, {"it", 2},
	{"edu", 2}, {"gov", 1}, {"ca", 2}, {"com.au", 1}, {"es", 1}, {"pl", 1},
	{"info", 1}, {"co", 1}, {"in", 1},
}

// benignHosts are the host parts that precede a registered domain.
var benignHosts = []string{
	"www", "www", "www", "mail", "api", "m", "static", "img", "login", "cdn",
	"app", "docs", "blog", "shop", "support", "assets", "smtp", "vpn", "portal", "news",
}
