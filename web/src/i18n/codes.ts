/**
 * A guard for codes that have their own text in `table`, a dictionary of texts by code (`en.errors`,
 * `en.messaging.reasons`, …), so `t(\`…${code}\`)` names a text that exists. Own keys only: a code
 * such as `constructor` is not taken for one.
 */
export function hasTextIn<T extends object>(table: T): (code: string) => code is Extract<keyof T, string> {
  return (code): code is Extract<keyof T, string> => Object.hasOwn(table, code);
}
