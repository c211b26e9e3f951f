// 15-collections.js - Map, Set, WeakMap and WeakSet (Duktape has none).
//
// Map and Set: the entries form a linked list in insertion order, found
// by key through dictionaries (prototype-less objects) per kind of key:
// strings as they are, numbers as their property key (-0 is 0, NaN is
// "NaN": SameValueZero), and in a third one symbols as they are, objects
// by an id kept on the object itself (a hidden, non-enumerable symbol
// property) and undefined/null/true/false under one letter.  Objects that
// cannot take an id (non-extensible ones) are in a short list searched in
// order.  A deleted entry keeps its `next`, and the last entry stays in
// the list (marked) until a new one follows it, so that a live iterator
// standing on a deleted entry still reaches every entry added later, as
// the spec requires.  The hot methods (get, set, has, add, size) are
// natives of coll.c for string and number keys, on the same stores.
//
// WeakMap and WeakSet: the value is stored on the key object (a hidden
// table per key, one slot per map), so the map holds no reference to its
// keys and the entry goes away with the key.  Non-extensible keys that
// have no table yet fall back to a list kept by the map.

var ObjId = hiddenSym('id'), nextObjId = 1;
// the store of each kind under a key of its own (the receiver checks
// compare no tag)
// (Map's and Set's are keys Duktape hides from every script, shared with
// the natives of coll.c)
var MapSt = N.mapStore, SetSt = N.setStore,
  WeakMapSt = hiddenSym('WeakMapData'), WeakSetSt = hiddenSym('WeakSetData');
var storeKeys = [null, MapSt, SetSt, WeakMapSt, WeakSetSt];
Object.defineProperty(Object.prototype, MapSt, { value: { o: null } });
Object.defineProperty(Object.prototype, SetSt, { value: { o: null } });
var idDesc = { value: 0, writable: false, enumerable: false, configurable: false };
function sameValueZero(a, b) { return a === b || (a !== a && b !== b); }
// The store of a Map (tag 1), Set (2), WeakMap (3) or WeakSet (4), owned
// by the object o (an object that inherits a store has none of its own).
function Store(o, tag) {
  this.o = o; this.t = tag;
  this.head = { key: void 0, value: void 0, next: null, prev: null, removed: false };
  this.tail = this.head;
  this.str = Object.create(null);
  this.num = Object.create(null);
  this.ref = Object.create(null);
  this.odd = []; // entries of objects that have no id
  this.size = 0;
}
// The entry of key k, or undefined.
Store.prototype.find = function (k) {
  switch (typeof k) {
  case 'string': return this.str[k];
  case 'number': return this.num[k];
  case 'symbol': return this.ref[k];
  case 'undefined': return this.ref.u;
  case 'boolean': return this.ref[k ? 't' : 'f'];
  }
  if (k === null) return this.ref.l;
  var id = k[ObjId], e = id === void 0 ? void 0 : this.ref[id], odd = this.odd;
  if (e !== void 0 && e.key === k) return e;
  // (an id read from a prototype is not k's: k may be in the list)
  for (var i = 0; i < odd.length; i++) if (odd[i].key === k) return odd[i];
  return void 0;
};
// The dictionary key of k in this.ref (objects: their id, given now if
// they have none and can take one), or null: the list.
function refKey(k) {
  switch (typeof k) {
  case 'symbol': return k;
  case 'undefined': return 'u';
  case 'boolean': return k ? 't' : 'f';
  }
  if (k === null) return 'l';
  if (Object.prototype.hasOwnProperty.call(k, ObjId)) return k[ObjId];
  if (!Object.isExtensible(k)) return null;
  idDesc.value = nextObjId++;
  Object.defineProperty(k, ObjId, idDesc);
  return idDesc.value;
}
// Adds k (not in the store) with the value v.
Store.prototype.add = function (k, v) {
  var e = { key: k, value: v, next: null, prev: this.tail, removed: false }, r;
  if (typeof k === 'string') this.str[k] = e;
  else if (typeof k === 'number') {
    if (k === 0) e.key = 0; // -0 is stored as +0
    this.num[k] = e;
  } else if ((r = refKey(k)) !== null) this.ref[r] = e;
  else this.odd.push(e);
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
  var e = this.find(k), t = typeof k;
  if (e === void 0) return false;
  if (t === 'string') delete this.str[k];
  else if (t === 'number') delete this.num[k];
  else {
    var i = this.odd.indexOf(e);
    if (i >= 0) this.odd.splice(i, 1); else delete this.ref[refKey(k)];
  }
  this.unlink(e);
  this.size--;
  return true;
};
Store.prototype.clear = function () {
  for (var e = this.head.next; e; e = e.next) e.removed = true;
  if (this.tail !== this.head) { this.head.next = this.tail; this.tail.prev = this.head; }
  this.str = Object.create(null);
  this.num = Object.create(null);
  this.ref = Object.create(null);
  this.odd = [];
  this.size = 0;
};

var storeNames = [null, 'Map', 'Set', 'WeakMap', 'WeakSet'];
function badStore(o, tag, m) {
  throw new TypeError('Method ' + storeNames[tag] + '.prototype.' + m + ' called on incompatible receiver ' + show(o));
}
// The store of o, tag 1 (Map) or 2 (Set), else a TypeError.
function storeOf(o, tag, m) {
  var s = o == null ? void 0 : o[storeKeys[tag]];
  if (s === void 0 || s.o !== o) badStore(o, tag, m);
  return s;
}
function initStore(o, tag) {
  Object.defineProperty(o, storeKeys[tag], { value: new Store(o, tag), writable: true, configurable: true, enumerable: false });
}
// Map and Set iterators: kind 0 keys, 1 values, 2 entries.
var CollIterSt = hiddenSym('CollectionIterator');
function collIterProto(tag) {
  return iterClass(tag, function next() {
    var st = this === null || this === void 0 ? void 0 : this[CollIterSt];
    if (st === void 0 || st.it !== this) throw new TypeError('next method called on an incompatible receiver');
    if (st.cur === null) return { value: void 0, done: true };
    var e = st.cur.next;
    while (e !== null && e.removed) e = e.next;
    if (e === null) { st.cur = null; return { value: void 0, done: true }; }
    st.cur = e;
    return { value: st.k === 0 ? e.key : st.k === 1 ? e.value : [e.key, e.value], done: false };
  });
}
var MapIterProto = collIterProto('Map Iterator'), SetIterProto = collIterProto('Set Iterator');
function collIter(proto, s, kind) {
  var it = Object.create(proto);
  it[CollIterSt] = { it: it, cur: s.head, k: kind };
  return it;
}
function needNew(o, C, name, tag) {
  if (!(o instanceof C) || Object.prototype.hasOwnProperty.call(o, storeKeys[tag]))
    throw new TypeError("Constructor " + name + " requires 'new'");
}
function tagged(C, name) {
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: name, configurable: true });
}

var Map = function Map(it) {
  needNew(this, Map, 'Map', 1);
  initStore(this, 1);
  var self = this;
  if (it !== void 0 && it !== null) {
    var set = needFn(self.set, "'set' of the new Map");
    iterate(it, function (e) {
      if (!isObj(e)) throw new TypeError('Iterator value ' + show(e) + ' is not an entry object');
      set.call(self, e[0], e[1]);
    });
  }
};
// get/set/has/add and size: natives (coll.c) for a string or number key
// on a receiver that owns its store; these JS methods, the natives'
// fallbacks, do the rest.  They check the receiver without a call:
// Object.prototype has a dummy store under MapSt and SetSt (owner null),
// so this[MapSt] of a receiver is undefined only for a prototype-less
// object.
var native = N.collNative;
def(Map.prototype, 'get', native('mapGet', function get(k) {
  if (this == null) badStore(this, 1, 'get');
  var s = this[MapSt], e;
  if (s === void 0 || s.o !== this) badStore(this, 1, 'get');
  if ((e = s.find(k)) !== void 0) return e.value;
}));
def(Map.prototype, 'set', native('mapSet', function set(k, v) {
  if (this == null) badStore(this, 1, 'set');
  var s = this[MapSt], e;
  if (s === void 0 || s.o !== this) badStore(this, 1, 'set');
  if ((e = s.find(k)) !== void 0) e.value = v; else s.add(k, v);
  return this;
}));
def(Map.prototype, 'has', native('mapHas', function has(k) {
  if (this == null) badStore(this, 1, 'has');
  var s = this[MapSt];
  if (s === void 0 || s.o !== this) badStore(this, 1, 'has');
  return s.find(k) !== void 0;
}));
def(Map.prototype, 'delete', function (k) { return storeOf(this, 1, 'delete').remove(k); });
def(Map.prototype, 'clear', function clear() { storeOf(this, 1, 'clear').clear(); });
def(Map.prototype, 'forEach', function forEach(f, t) {
  var s = storeOf(this, 1, 'forEach');
  needFn(f);
  for (var e = s.head.next; e; e = e.next) if (!e.removed) f.call(t, e.value, e.key, this);
});
getter(Map.prototype, 'size', native('mapSize', function () { return storeOf(this, 1, 'size').size; }));
def(Map.prototype, 'keys', function keys() { return collIter(MapIterProto, storeOf(this, 1, 'keys'), 0); });
def(Map.prototype, 'values', function values() { return collIter(MapIterProto, storeOf(this, 1, 'values'), 1); });
def(Map.prototype, 'entries', function entries() { return collIter(MapIterProto, storeOf(this, 1, 'entries'), 2); });
def(Map.prototype, SymIt, Map.prototype.entries);
tagged(Map, 'Map');

var Set = function Set(it) {
  needNew(this, Set, 'Set', 2);
  initStore(this, 2);
  var self = this;
  if (it !== void 0 && it !== null) {
    var add = needFn(self.add, "'add' of the new Set");
    iterate(it, function (v) { add.call(self, v); });
  }
};
def(Set.prototype, 'add', native('setAdd', function add(v) {
  if (this == null) badStore(this, 2, 'add');
  var s = this[SetSt];
  if (s === void 0 || s.o !== this) badStore(this, 2, 'add');
  if (s.find(v) === void 0) s.add(v, v === 0 ? 0 : v);
  return this;
}));
def(Set.prototype, 'has', native('setHas', function has(v) {
  if (this == null) badStore(this, 2, 'has');
  var s = this[SetSt];
  if (s === void 0 || s.o !== this) badStore(this, 2, 'has');
  return s.find(v) !== void 0;
}));
def(Set.prototype, 'delete', function (v) { return storeOf(this, 2, 'delete').remove(v); });
def(Set.prototype, 'clear', function clear() { storeOf(this, 2, 'clear').clear(); });
def(Set.prototype, 'forEach', function forEach(f, t) {
  var s = storeOf(this, 2, 'forEach');
  needFn(f);
  for (var e = s.head.next; e; e = e.next) if (!e.removed) f.call(t, e.key, e.key, this);
});
getter(Set.prototype, 'size', native('setSize', function () { return storeOf(this, 2, 'size').size; }));
def(Set.prototype, 'values', function values() { return collIter(SetIterProto, storeOf(this, 2, 'values'), 1); });
def(Set.prototype, 'keys', Set.prototype.values);
def(Set.prototype, 'entries', function entries() { return collIter(SetIterProto, storeOf(this, 2, 'entries'), 2); });
def(Set.prototype, SymIt, Set.prototype.values);
tagged(Set, 'Set');

// Walking a Map or Set that iterates with the built-in iterator (its
// @@iterator is Map.prototype.entries / Set.prototype.values, the
// iterators' next is the built-in one and there is no return() to call)
// without the iterator objects: for-of ($es.fa, $es.cur) and spread
// ($es.arr).  The cursor takes the steps the iterator would.
var mapEntries = Map.prototype.entries, setValues = Set.prototype.values;
var mapNext = MapIterProto.next, setNext = SetIterProto.next;
// The store of such a Map (s.t 1) or Set (2), else null (v an object).
function collStore(v) {
  var f = v[SymIt], s;
  if (f === mapEntries) {
    s = v[MapSt];
    if (s !== void 0 && s.o === v && MapIterProto.next === mapNext && MapIterProto['return'] === void 0) return s;
  } else if (f === setValues) {
    s = v[SetSt];
    if (s !== void 0 && s.o === v && SetIterProto.next === setNext && SetIterProto['return'] === void 0) return s;
  }
  return null;
}
// c.n(): the next value ([key, value] for a Map), or c itself at the end.
function CollCursor(s) { this.e = s.head; this.m = s.t === 1; }
// (a native, coll.c, for the cursors made here)
CollCursor.prototype.n = native('cursorNext', function () {
  var e = this.e;
  if (e === null) return this;
  e = e.next;
  while (e !== null && e.removed) e = e.next;
  this.e = e;
  if (e === null) return this;
  return this.m ? [e.key, e.value] : e.key;
});
// The first n (n < 0: all) values of the store s in a new array, for
// spread and array destructuring (05-lower.js arr); a native (coll.c).
var collArray = native('collArray', function collArray(s, n) {
  var it = new CollCursor(s), out = [], v;
  while (n < 0 || out.length < n) {
    v = it.n();
    if (v === it) break;
    out.push(v);
  }
  return out;
});

// WeakMap / WeakSet: key[WeakSt] is {mapId: [value]} (boxed, so that an
// undefined value still counts as present).
var WeakSt = hiddenSym('WeakData'), nextWeakId = 1;
function weakKey(k, tag) {
  if (!isObj(k)) throw new TypeError('Invalid value used ' + (tag === 'WeakSet' ? 'in weak set' : 'as weak map key'));
  return k;
}
// (tag 3 WeakMap, 4 WeakSet)
function weakSlot(m, k, tag, make, name) {
  var st = storeOf(m, tag, name);
  if (!isObj(k)) return void 0;
  var t = Object.prototype.hasOwnProperty.call(k, WeakSt) ? k[WeakSt] : void 0;
  if (!t) {
    if (!make || !Object.isExtensible(k)) {
      for (var i = 0; i < st.odd.length; i++) if (st.odd[i].key === k) return st.odd[i];
      if (!make) return void 0;
      var e = { key: k, value: void 0 };
      st.odd.push(e);
      return e;
    }
    t = Object.create(null);
    k[WeakSt] = t;
  }
  var slot = t[st.id];
  if (!slot && make) slot = t[st.id] = { value: void 0 };
  return slot;
}
function weakDelete(m, k, tag) {
  var st = storeOf(m, tag, 'delete');
  if (!isObj(k)) return false;
  var t = Object.prototype.hasOwnProperty.call(k, WeakSt) ? k[WeakSt] : void 0;
  if (t && t[st.id]) { delete t[st.id]; return true; }
  for (var i = 0; i < st.odd.length; i++) if (st.odd[i].key === k) { st.odd.splice(i, 1); return true; }
  return false;
}
function initWeak(o, tag) {
  Object.defineProperty(o, storeKeys[tag], { value: { o: o, t: tag, id: nextWeakId++, odd: [] },
    writable: true, configurable: true, enumerable: false });
}
var WeakMap = function WeakMap(it) {
  needNew(this, WeakMap, 'WeakMap', 3);
  initWeak(this, 3);
  var self = this;
  if (it !== void 0 && it !== null) {
    var set = needFn(self.set, "'set' of the new WeakMap");
    iterate(it, function (e) {
      if (!isObj(e)) throw new TypeError('Iterator value ' + show(e) + ' is not an entry object');
      set.call(self, e[0], e[1]);
    });
  }
};
def(WeakMap.prototype, 'get', function get(k) { var s = weakSlot(this, k, 3, false, 'get'); return s ? s.value : void 0; });
def(WeakMap.prototype, 'set', function set(k, v) { weakSlot(this, weakKey(k, 'WeakMap'), 3, true, 'set').value = v; return this; });
def(WeakMap.prototype, 'has', function has(k) { return !!weakSlot(this, k, 3, false, 'has'); });
def(WeakMap.prototype, 'delete', function (k) { return weakDelete(this, k, 3); });
tagged(WeakMap, 'WeakMap');
var WeakSet = function WeakSet(it) {
  needNew(this, WeakSet, 'WeakSet', 4);
  initWeak(this, 4);
  var self = this;
  if (it !== void 0 && it !== null) {
    var add = needFn(self.add, "'add' of the new WeakSet");
    iterate(it, function (v) { add.call(self, v); });
  }
};
def(WeakSet.prototype, 'add', function add(v) { weakSlot(this, weakKey(v, 'WeakSet'), 4, true, 'add').value = true; return this; });
def(WeakSet.prototype, 'has', function has(v) { return !!weakSlot(this, v, 4, false, 'has'); });
def(WeakSet.prototype, 'delete', function (v) { return weakDelete(this, v, 4); });
tagged(WeakSet, 'WeakSet');
[['delete', Map], ['delete', Set], ['delete', WeakMap], ['delete', WeakSet]].forEach(function (p) {
  Object.defineProperty(p[1].prototype['delete'], 'name', { value: 'delete' });
});
[Map, Set, WeakMap, WeakSet].forEach(function (C) { arity(C, 0); def(G, C.name, C); });
arity(Map.prototype.forEach, 1);
arity(Set.prototype.forEach, 1);
