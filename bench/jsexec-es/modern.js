// modern.js - word counting and grouping, written as models write it:
// a class, Map, for-of, destructuring, template literals, arrow functions,
// spread, ?? and async/await over a few awaited steps.  es5.js does the
// same work in ES5 and prints the same lines (bench/jsexec_es.sh).
const SYLLABLES = ['ka', 'lo', 'mi', 'nu', 're', 'sa', 'ti', 'vo', 'an', 'el', 'or', 'us'];

// deterministic text: CHUNKS chunks of WORDS words each
const CHUNKS = 20, WORDS = 300;
class Rng {
  #x;
  constructor(seed) { this.#x = seed; }
  next() {
    this.#x = (this.#x * 1103515245 + 12345) % 2147483648;
    return Math.floor(this.#x / 65536);
  }
}
function makeChunk(rand) {
  const words = [];
  for (let i = 0; i < WORDS; i++) {
    const n = 1 + (rand.next() % 3);
    let w = '';
    for (let j = 0; j < n; j++) w += SYLLABLES[rand.next() % SYLLABLES.length];
    words.push(w);
  }
  return words.join(' ');
}

class WordCounter {
  constructor() {
    this.counts = new Map();
    this.total = 0;
  }
  add(word) {
    this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    this.total++;
  }
  top(n) {
    return [...this.counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, n);
  }
}

// a source that hands out the chunks one await at a time
class Source {
  constructor(chunks) { this.chunks = chunks; }
  async fetch(i) {
    await null;
    return this.chunks[i];
  }
}

async function main() {
  const rand = new Rng(42);
  const chunks = [];
  for (let i = 0; i < CHUNKS; i++) chunks.push(makeChunk(rand));
  const src = new Source(chunks);
  const wc = new WordCounter();
  for (let i = 0; i < CHUNKS; i++) {
    const text = await src.fetch(i);
    for (const word of text.split(' ')) wc.add(word);
  }
  // group the words by their first syllable, and by length
  const groups = new Map();
  const byLen = new Map();
  for (const [word, count] of wc.counts) {
    const key = word.slice(0, 2);
    const g = groups.get(key) ?? { words: 0, count: 0 };
    g.words++;
    g.count += count;
    groups.set(key, g);
    byLen.set(word.length, (byLen.get(word.length) ?? 0) + count);
  }
  console.log(`total=${wc.total} distinct=${wc.counts.size}`);
  for (const [word, count] of wc.top(8)) console.log(`${word}: ${count}`);
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const { words, count } = groups.get(key);
    console.log(`${key}: ${words} words, ${count} uses`);
  }
  const lens = [...byLen].sort(([a], [b]) => a - b).map(([len, n]) => `${len}=${n}`);
  console.log(`lengths ${lens.join(' ')}`);
  return wc.total;
}
