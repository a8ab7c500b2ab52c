import type { z } from 'zod';

// A type alias, not an interface, so it fits records with an index signature (problem details).
export type FieldProblem = {
  /** Where, as a dotted/bracket path: body[3].rows[0][1], reviews[2].reviewedAt, ["content-type"]; "" for the whole body. */
  field: string;
  reason: string;
};

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** body, 3, rows, 0, 1 → body[3].rows[0][1]. */
export const formatIssuePath = (path: readonly PathKey[]): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (IDENTIFIER.test(name)) return out === '' ? name : `${out}.${name}`;
    return `${out}[${JSON.stringify(name)}]`;
  }, '');

// Of a union's failed branches, the one that got furthest is the one the sender meant.
const deepestBranch = (branches: readonly (readonly Issue[])[]): readonly Issue[] =>
  branches.reduce<readonly Issue[]>((best, branch) => {
    const depth = (issues: readonly Issue[]) => Math.max(-1, ...issues.map((i) => i.path.length));
    return best.length === 0 || depth(branch) > depth(best) ? branch : best;
  }, []);

const describe = (issue: Issue, prefix: readonly PathKey[]): FieldProblem[] => {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        field: formatIssuePath([...path, key]),
        reason: 'unknown field: not part of the contract',
      }));
    case 'invalid_union': {
      const branch = deepestBranch(issue.errors);
      if (branch.length > 0) return branch.flatMap((inner) => describe(inner, path));
      return [{ field: formatIssuePath(path), reason: issue.message }];
    }
    default:
      return [{ field: formatIssuePath(path), reason: issue.message }];
  }
};

/** One entry per wrong field, for 4xx bodies and dead-letter reasons. */
export const describeZodIssues = (error: { readonly issues: readonly Issue[] }): FieldProblem[] =>
  error.issues.flatMap((issue) => describe(issue, []));
