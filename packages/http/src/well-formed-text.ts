/** NUL and unpaired surrogates: valid in a JS string, refused by PostgreSQL and meaningless in a document. */
const malformed = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** No document needs more nesting than this; deeper bodies are refused before any schema walks them. */
export const maxJsonDepth = 64;

/** Inspects a parsed body without recursion: nested too deeply, or strings a database or a reader could not take. */
export const inspectJson = (root: unknown): { tooDeepAt: string | null; malformed: string[] } => {
  const malformedPaths: string[] = [];
  const stack: Array<[unknown, string, number]> = [[root, '', 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop() as [unknown, string, number];
    if (depth > maxJsonDepth) return { tooDeepAt: path, malformed: [] };
    if (typeof value === 'string') {
      if (malformed.test(value)) malformedPaths.push(path || '(body)');
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push([item, `${path}[${index}]`, depth + 1]);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, path ? `${path}.${key}` : key, depth + 1]);
    }
  }
  return { tooDeepAt: null, malformed: malformedPaths.sort() };
};

export const isWellFormedText = (text: string): boolean => !malformed.test(text);
