/**
 * State that must exist once per process. Next.js loads a module once per route bundle — the
 * dashboard page and every route handler next to it get their own copy of its top-level
 * variables —, so a cache kept in a module variable is cold in every bundle and filled anew, all
 * at once, by the first requests each bundle serves (under load: dozens of identical look-ups
 * queued behind each other). Caches, pools and singletons live here instead, on globalThis under
 * one name each. The lint (eslint.config.js) refuses an empty `new Map()`/`new Set()`/`new WeakMap()`
 * at the top level of server code, so a cache cannot silently go back to a module variable.
 */
const g = globalThis as unknown as { __fisProcessWide?: Map<string, unknown> };

/** The one `name` of this process, made by `make` the first time any bundle asks for it. */
export function processWide<T>(name: string, make: () => T): T {
  const all = (g.__fisProcessWide ??= new Map<string, unknown>());
  if (!all.has(name)) all.set(name, make());
  return all.get(name) as T;
}

/**
 * A promise kept under `key` in `map`: computed once however many ask at the same time (single
 * flight) and kept after; a failed one is forgotten, so the next caller tries again. Beyond `max`
 * entries the oldest goes first.
 */
export function keptPromise<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>, max = 1000): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    const mine = p;
    p.catch(() => map.get(key) === mine && map.delete(key));
    while (map.size > max) map.delete(map.keys().next().value!);
  }
  return p;
}
