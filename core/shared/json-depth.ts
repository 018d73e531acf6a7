// How deeply a JSON document nests, measured without recursion, so that input from outside
// (a request body, a call's input) that nests thousands of levels deep is refused before
// anything walks it recursively (JSON.stringify, a recursive schema, a size check) and runs
// out of stack. The deepest input the app itself sends nests under ten levels (a push: body,
// mutations, a mutation, its args, an import's rows, a row); 64 leaves ample headroom.

/** The deepest nesting of objects and arrays accepted from outside. */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a JSON text (0 for a scalar, 1 for `[]` or `{}`), counted in one pass
 * over its characters (brackets inside strings do not count). Stops as soon as it passes
 * `stopAbove`, returning that depth, so a hostile text costs no more than its first levels.
 * The text need not be valid JSON: only its brackets are counted.
 */
export function jsonTextDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/**
 * The nesting depth of a value (0 for a scalar, 1 for an empty array or object), walked with
 * an explicit stack; stops as soon as it passes `stopAbove` (so a value that refers to itself
 * passes any finite limit rather than looping).
 */
export function valueDepth(value: unknown, stopAbove = Infinity): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > stopAbove) return deepest;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child as object, depth + 1]);
  }
  return deepest;
}
