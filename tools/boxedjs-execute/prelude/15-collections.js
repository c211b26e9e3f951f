// 15-collections.js - Map, Set, WeakMap and WeakSet (Duktape has none).
//
// Map and Set: the entries form a linked list in insertion order, found
// by key through an index: primitives under a string made from their type
// and value (SameValueZero: -0 is 0, NaN is NaN), objects under an id kept
// on the object itself (a hidden, non-enumerable symbol property), and
// symbols and non-extensible objects, which cannot take an id, in a short
// list searched in order.  A deleted entry keeps its `next`, and the last
// entry stays in the list (marked) until a new one follows it, so that a
// live iterator standing on a deleted entry still reaches every entry
// added later, as the spec requires.
//
// WeakMap and WeakSet: the value is stored on the key object (a hidden
// table per key, one slot per map), so the map holds no reference to its
// keys and the entry goes away with the key.  Non-extensible keys that
// have no table yet fall back to a list kept by the map.

var ObjId = hiddenSym('id'), nextObjId = 1;
var MapSt = hiddenSym('MapData');
function keyStr(k) {
  switch (typeof k) {
  case 'string': return 's' + k;
  case 'number': return 'n' + (k === 0 ? 0 : k);
  case 'boolean': return k ? 't' : 'f';
  case 'undefined': return 'u';
  case 'object': case 'function':
    if (k === null) return 'l';
    if (Object.prototype.hasOwnProperty.call(k, ObjId)) return 'o' + k[ObjId];
    if (!Object.isExtensible(k)) return null;
    k[ObjId] = nextObjId;
    return 'o' + nextObjId++;
  default: return null; // symbols
  }
}
function sameValueZero(a, b) { return a === b || (a !== a && b !== b); }
function Store() {
  this.head = { next: null, prev: null, removed: false };
  this.tail = this.head;
  this.idx = Object.create(null);
  this.odd = []; // entries whose key has no keyStr
  this.size = 0;
}
// (the hot paths test for a string key first: keyStr is a call)
Store.prototype.find = function (k) {
  var s = typeof k === 'string' ? 's' + k : keyStr(k);
  if (s !== null) return this.idx[s];
  for (var i = 0; i < this.odd.length; i++) if (sameValueZero(this.odd[i].key, k)) return this.odd[i];
  return undefined;
};
Store.prototype.add = function (k, v) {
  var s = typeof k === 'string' ? 's' + k : keyStr(k), e;
  if (s !== null) e = this.idx[s];
  else for (var i = 0; i < this.odd.length && !e; i++) if (sameValueZero(this.odd[i].key, k)) e = this.odd[i];
  if (e) { e.value = v; return; }
  if (k === 0) k = 0; // -0 is stored as +0
  e = { key: k, value: v, next: null, prev: this.tail, removed: false };
  if (s !== null) this.idx[s] = e; else this.odd.push(e);
  this.tail.next = e;
  if (this.tail.removed) { // a deleted last entry: unlink it now
    var p = this.tail.prev;
    p.next = e; e.prev = p;
  }
  this.tail = e;
  this.size++;
};
Store.prototype.unlink = function (e) {
  e.removed = true;
  if (e !== this.tail) { e.prev.next = e.next; e.next.prev = e.prev; }
};
Store.prototype.remove = function (k) {
  var e = this.find(k);
  if (!e) return false;
  var s = keyStr(k);
  if (s !== null) delete this.idx[s]; else this.odd.splice(this.odd.indexOf(e), 1);
  this.unlink(e);
  this.size--;
  return true;
};
Store.prototype.clear = function () {
  for (var e = this.head.next; e; e = e.next) e.removed = true;
  if (this.tail !== this.head) { this.head.next = this.tail; this.tail.prev = this.head; }
  this.idx = Object.create(null);
  this.odd = [];
  this.size = 0;
};

function storeOf(o, tag) {
  var st = o !== null && typeof o === 'object' ? o[MapSt] : undefined;
  if (!st || st.tag !== tag) throw new TypeError('Method ' + tag + '.prototype function called on incompatible receiver ' + show(o));
  return st.s;
}
function initStore(o, tag) {
  o[MapSt] = { tag: tag, s: new Store() };
}
// Map and Set iterators: kind 0 keys, 1 values, 2 entries.
var CollIterSt = hiddenSym('CollectionIterator');
function collIterProto(tag) {
  return iterClass(tag, function next() {
    var st = this && this[CollIterSt];
    if (!st) throw new TypeError('next method called on an incompatible receiver');
    if (st.cur === null) return result(undefined, true);
    var e = st.cur.next;
    while (e && e.removed) e = e.next;
    if (!e) { st.cur = null; return result(undefined, true); }
    st.cur = e;
    return result(st.k === 0 ? e.key : st.k === 1 ? e.value : [e.key, e.value], false);
  });
}
var MapIterProto = collIterProto('Map Iterator'), SetIterProto = collIterProto('Set Iterator');
function collIter(proto, s, kind) {
  var it = Object.create(proto);
  it[CollIterSt] = { cur: s.head, k: kind };
  return it;
}
function needNew(o, C, name) {
  if (!(o instanceof C) || Object.prototype.hasOwnProperty.call(o, MapSt))
    throw new TypeError("Constructor " + name + " requires 'new'");
}
function tagged(C, name) {
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: name, configurable: true });
}

var Map = function Map(it) {
  needNew(this, Map, 'Map');
  initStore(this, 'Map');
  var self = this;
  if (it !== undefined && it !== null) {
    var set = needFn(self.set, "'set' of the new Map");
    iterate(it, function (e) {
      if (!isObj(e)) throw new TypeError('Iterator value ' + show(e) + ' is not an entry object');
      set.call(self, e[0], e[1]);
    });
  }
};
def(Map.prototype, 'get', function get(k) { var e = storeOf(this, 'Map').find(k); return e ? e.value : undefined; });
def(Map.prototype, 'set', function set(k, v) { storeOf(this, 'Map').add(k, v); return this; });
def(Map.prototype, 'has', function has(k) { return !!storeOf(this, 'Map').find(k); });
def(Map.prototype, 'delete', function (k) { return storeOf(this, 'Map').remove(k); });
def(Map.prototype, 'clear', function clear() { storeOf(this, 'Map').clear(); });
def(Map.prototype, 'forEach', function forEach(f, t) {
  var s = storeOf(this, 'Map');
  needFn(f);
  for (var e = s.head.next; e; e = e.next) if (!e.removed) f.call(t, e.value, e.key, this);
});
getter(Map.prototype, 'size', function () { return storeOf(this, 'Map').size; });
def(Map.prototype, 'keys', function keys() { return collIter(MapIterProto, storeOf(this, 'Map'), 0); });
def(Map.prototype, 'values', function values() { return collIter(MapIterProto, storeOf(this, 'Map'), 1); });
def(Map.prototype, 'entries', function entries() { return collIter(MapIterProto, storeOf(this, 'Map'), 2); });
def(Map.prototype, SymIt, Map.prototype.entries);
tagged(Map, 'Map');

var Set = function Set(it) {
  needNew(this, Set, 'Set');
  initStore(this, 'Set');
  var self = this;
  if (it !== undefined && it !== null) {
    var add = needFn(self.add, "'add' of the new Set");
    iterate(it, function (v) { add.call(self, v); });
  }
};
def(Set.prototype, 'add', function add(v) { storeOf(this, 'Set').add(v, v); return this; });
def(Set.prototype, 'has', function has(v) { return !!storeOf(this, 'Set').find(v); });
def(Set.prototype, 'delete', function (v) { return storeOf(this, 'Set').remove(v); });
def(Set.prototype, 'clear', function clear() { storeOf(this, 'Set').clear(); });
def(Set.prototype, 'forEach', function forEach(f, t) {
  var s = storeOf(this, 'Set');
  needFn(f);
  for (var e = s.head.next; e; e = e.next) if (!e.removed) f.call(t, e.key, e.key, this);
});
getter(Set.prototype, 'size', function () { return storeOf(this, 'Set').size; });
def(Set.prototype, 'values', function values() { return collIter(SetIterProto, storeOf(this, 'Set'), 1); });
def(Set.prototype, 'keys', Set.prototype.values);
def(Set.prototype, 'entries', function entries() { return collIter(SetIterProto, storeOf(this, 'Set'), 2); });
def(Set.prototype, SymIt, Set.prototype.values);
tagged(Set, 'Set');

// WeakMap / WeakSet: key[WeakSt] is {mapId: [value]} (boxed, so that an
// undefined value still counts as present).
var WeakSt = hiddenSym('WeakData'), nextWeakId = 1;
function weakKey(k, tag) {
  if (!isObj(k)) throw new TypeError('Invalid value used ' + (tag === 'WeakSet' ? 'in weak set' : 'as weak map key'));
  return k;
}
function weakSlot(m, k, tag, make) {
  var st = storeOf(m, tag);
  if (!isObj(k)) return undefined;
  var t = Object.prototype.hasOwnProperty.call(k, WeakSt) ? k[WeakSt] : undefined;
  if (!t) {
    if (!make || !Object.isExtensible(k)) {
      for (var i = 0; i < st.odd.length; i++) if (st.odd[i].key === k) return st.odd[i];
      if (!make) return undefined;
      var e = { key: k, value: undefined };
      st.odd.push(e);
      return e;
    }
    t = Object.create(null);
    k[WeakSt] = t;
  }
  var slot = t[st.id];
  if (!slot && make) slot = t[st.id] = { value: undefined };
  return slot;
}
function weakDelete(m, k, tag) {
  var st = storeOf(m, tag);
  if (!isObj(k)) return false;
  var t = Object.prototype.hasOwnProperty.call(k, WeakSt) ? k[WeakSt] : undefined;
  if (t && t[st.id]) { delete t[st.id]; return true; }
  for (var i = 0; i < st.odd.length; i++) if (st.odd[i].key === k) { st.odd.splice(i, 1); return true; }
  return false;
}
function initWeak(o, tag) {
  o[MapSt] = { tag: tag, s: { id: nextWeakId++, odd: [] } };
}
var WeakMap = function WeakMap(it) {
  needNew(this, WeakMap, 'WeakMap');
  initWeak(this, 'WeakMap');
  var self = this;
  if (it !== undefined && it !== null) {
    var set = needFn(self.set, "'set' of the new WeakMap");
    iterate(it, function (e) {
      if (!isObj(e)) throw new TypeError('Iterator value ' + show(e) + ' is not an entry object');
      set.call(self, e[0], e[1]);
    });
  }
};
def(WeakMap.prototype, 'get', function get(k) { var s = weakSlot(this, k, 'WeakMap', false); return s ? s.value : undefined; });
def(WeakMap.prototype, 'set', function set(k, v) { weakSlot(this, weakKey(k, 'WeakMap'), 'WeakMap', true).value = v; return this; });
def(WeakMap.prototype, 'has', function has(k) { return !!weakSlot(this, k, 'WeakMap', false); });
def(WeakMap.prototype, 'delete', function (k) { return weakDelete(this, k, 'WeakMap'); });
tagged(WeakMap, 'WeakMap');
var WeakSet = function WeakSet(it) {
  needNew(this, WeakSet, 'WeakSet');
  initWeak(this, 'WeakSet');
  var self = this;
  if (it !== undefined && it !== null) {
    var add = needFn(self.add, "'add' of the new WeakSet");
    iterate(it, function (v) { add.call(self, v); });
  }
};
def(WeakSet.prototype, 'add', function add(v) { weakSlot(this, weakKey(v, 'WeakSet'), 'WeakSet', true).value = true; return this; });
def(WeakSet.prototype, 'has', function has(v) { return !!weakSlot(this, v, 'WeakSet', false); });
def(WeakSet.prototype, 'delete', function (v) { return weakDelete(this, v, 'WeakSet'); });
tagged(WeakSet, 'WeakSet');
[['delete', Map], ['delete', Set], ['delete', WeakMap], ['delete', WeakSet]].forEach(function (p) {
  Object.defineProperty(p[1].prototype['delete'], 'name', { value: 'delete' });
});
[Map, Set, WeakMap, WeakSet].forEach(function (C) { arity(C, 0); def(G, C.name, C); });
arity(Map.prototype.forEach, 1);
arity(Set.prototype.forEach, 1);
