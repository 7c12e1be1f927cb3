/**
 * Append `item` to the list `map` holds under `key`, starting the list if there is none: grouping
 * one pass over a batch (by workspace, by profile, by label). The list is pushed to in place; a
 * copy per item (`[...(map.get(key) ?? []), item]`) makes grouping 100,000 items quadratic.
 */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
