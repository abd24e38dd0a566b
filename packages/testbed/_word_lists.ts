// The testbed's vocabulary. Everything is short lowercase ASCII so that a byte-level tokenizer
// and a tiny model can learn it in a minute on a CPU; nothing here is meant to test knowledge.

/** Words for the word tasks (reverse, sort, repeat, first letter): 3–5 letters. */
export const WORDS: readonly string[] = [
  "arm", "bag", "bed", "box", "bus", "cap", "car", "cup", "dog", "egg",
  "fan", "fox", "gum", "hat", "ink", "jam", "jar", "key", "leg", "map",
  "mud", "net", "owl", "pen", "pig", "pot", "rat", "rug", "sun", "tap",
  "toy", "van", "web", "wig", "yak", "zip", "bird", "boat", "book", "cake",
  "coat", "desk", "door", "drum", "fish", "flag", "frog", "gift", "gold", "hand",
  "harp", "kite", "lamp", "leaf", "lion", "milk", "moon", "nest", "nose", "park",
  "rain", "ring", "road", "rock", "rope", "salt", "ship", "shoe", "snow", "sock",
  "star", "tent", "tree", "vase", "wind", "wolf", "yarn", "bread", "chair", "cloud",
  "dream", "earth", "globe", "heart", "horse", "house", "juice", "light", "music", "night",
  "ocean", "paper", "plant", "queen", "river", "smile", "stone", "table", "tiger", "train",
];

/** The days of the week, in order. */
export const WEEKDAYS: readonly string[] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A "name a …" category: its answers, most typical first, and how they are distributed. */
export interface Category {
  /** The noun phrase with its article, as it reads in "Name a fruit." */
  phrase: string;
  /** `zipf`: p ∝ 1/rank over the order listed; `uniform`: every answer equally likely. */
  shape: "zipf" | "uniform";
  answers: readonly string[];
}

/** Categories of the name-item task. */
export const CATEGORIES: readonly Category[] = [
  { phrase: "a fruit", shape: "zipf", answers: ["apple", "banana", "orange", "grape", "pear", "peach", "mango", "cherry", "lemon", "plum", "kiwi", "melon"] },
  { phrase: "a colour", shape: "zipf", answers: ["red", "blue", "green", "yellow", "black", "white", "purple", "pink", "brown", "grey"] },
  { phrase: "an animal", shape: "zipf", answers: ["dog", "cat", "horse", "lion", "tiger", "bear", "rabbit", "elephant", "monkey", "mouse", "wolf", "fox"] },
  { phrase: "a vegetable", shape: "zipf", answers: ["carrot", "potato", "tomato", "onion", "pea", "bean", "corn", "cabbage"] },
  { phrase: "a drink", shape: "zipf", answers: ["water", "tea", "coffee", "milk", "juice", "soda"] },
  { phrase: "a shape", shape: "zipf", answers: ["circle", "square", "triangle", "star", "oval"] },
  { phrase: "a month", shape: "uniform", answers: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] },
  { phrase: "a day of the week", shape: "uniform", answers: WEEKDAYS },
  { phrase: "a season", shape: "uniform", answers: ["spring", "summer", "autumn", "winter"] },
  { phrase: "a vowel", shape: "uniform", answers: ["a", "e", "i", "o", "u"] },
];

/** Pools of the starts-with task: every answer of a (pool, first letter) prompt is equally likely. */
export const POOLS: ReadonlyArray<{ phrase: string; words: readonly string[] }> = [
  {
    phrase: "an animal",
    words: [
      "ant", "ape", "bat", "bear", "bee", "bison", "cat", "camel", "cow", "crab", "crow", "deer", "dog",
      "duck", "dove", "eel", "elk", "emu", "fox", "frog", "goat", "goose", "gull", "hare", "hawk", "hen",
      "horse", "lion", "lamb", "lark", "llama", "mole", "mouse", "mule", "moth", "owl", "ox", "pig", "panda",
      "puma", "rat", "ram", "seal", "shark", "snake", "swan", "toad", "tiger", "tuna", "wolf", "worm", "wasp",
    ],
  },
  {
    phrase: "a food",
    words: [
      "apple", "apricot", "bread", "bean", "butter", "cake", "cheese", "corn", "date", "egg", "fig",
      "grape", "ham", "honey", "jam", "kiwi", "lemon", "lime", "mango", "melon", "nut", "oat", "olive",
      "pear", "peach", "pie", "plum", "rice", "salt", "soup", "tea", "toast",
    ],
  },
];
