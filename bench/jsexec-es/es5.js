// es5.js - the work of modern.js written in ES5: objects as dictionaries,
// index loops, constructor functions and plain callbacks.
var SYLLABLES = ['ka', 'lo', 'mi', 'nu', 're', 'sa', 'ti', 'vo', 'an', 'el', 'or', 'us'];

var CHUNKS = 20, WORDS = 300;
function Lcg(seed) { this.x = seed; }
Lcg.prototype.next = function () {
  this.x = (this.x * 1103515245 + 12345) % 2147483648;
  return Math.floor(this.x / 65536);
};
function makeChunk(rand) {
  var words = [];
  for (var i = 0; i < WORDS; i++) {
    var n = 1 + (rand.next() % 3);
    var w = '';
    for (var j = 0; j < n; j++) w += SYLLABLES[rand.next() % SYLLABLES.length];
    words.push(w);
  }
  return words.join(' ');
}

function WordCounter() {
  this.counts = {};
  this.keys = [];
  this.total = 0;
}
WordCounter.prototype.add = function (word) {
  var k = '$' + word;
  if (this.counts[k] === undefined) { this.counts[k] = 0; this.keys.push(word); }
  this.counts[k]++;
  this.total++;
};
WordCounter.prototype.top = function (n) {
  var counts = this.counts, list = [];
  for (var i = 0; i < this.keys.length; i++) list.push([this.keys[i], counts['$' + this.keys[i]]]);
  list.sort(function (p, q) {
    var a = p[0], x = p[1], b = q[0], y = q[1];
    return y - x || (a < b ? -1 : a > b ? 1 : 0);
  });
  return list.slice(0, n);
};

function Source(chunks) { this.chunks = chunks; }
Source.prototype.fetch = function (i, cb) { cb(this.chunks[i]); };

function run(done) {
  var rand = new Lcg(42);
  var chunks = [];
  for (var i = 0; i < CHUNKS; i++) chunks.push(makeChunk(rand));
  var src = new Source(chunks);
  var wc = new WordCounter();
  var next = 0;
  function step() {
    if (next === CHUNKS) { report(wc, done); return; }
    src.fetch(next++, function (text) {
      var words = text.split(' ');
      for (var j = 0; j < words.length; j++) wc.add(words[j]);
      step();
    });
  }
  step();
}
function report(wc, done) {
  var groups = {}, gkeys = [], byLen = {}, lkeys = [], i;
  for (i = 0; i < wc.keys.length; i++) {
    var word = wc.keys[i], count = wc.counts['$' + word];
    var key = word.slice(0, 2);
    var g = groups[key];
    if (!g) { g = groups[key] = { words: 0, count: 0 }; gkeys.push(key); }
    g.words++;
    g.count += count;
    if (byLen[word.length] === undefined) { byLen[word.length] = 0; lkeys.push(word.length); }
    byLen[word.length] += count;
  }
  console.log('total=' + wc.total + ' distinct=' + wc.keys.length);
  var top = wc.top(8);
  for (i = 0; i < top.length; i++) console.log(top[i][0] + ': ' + top[i][1]);
  gkeys.sort();
  for (i = 0; i < gkeys.length; i++) {
    var gr = groups[gkeys[i]];
    console.log(gkeys[i] + ': ' + gr.words + ' words, ' + gr.count + ' uses');
  }
  lkeys.sort(function (a, b) { return a - b; });
  var lens = [];
  for (i = 0; i < lkeys.length; i++) lens.push(lkeys[i] + '=' + byLen[lkeys[i]]);
  console.log('lengths ' + lens.join(' '));
  done(wc.total);
}
var result;
run(function (total) { result = total; });
result;
