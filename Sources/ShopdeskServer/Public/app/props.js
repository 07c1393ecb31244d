// Comparing a view's props (pure, Node-tested): the store replaces what changes and never edits
// it in place, so two props objects are the same when each field holds the very same value.

/**
 * Two props objects with the same fields holding the same values.
 * @param {Record<string, unknown>} a @param {Record<string, unknown>} b
 */
export function sameProps(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && Object.is(a[key], b[key]));
}
