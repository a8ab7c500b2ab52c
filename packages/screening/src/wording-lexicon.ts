import { z } from 'zod';
import defaultLexiconFile from './default-lexicon.json' with { type: 'json' };
import type { LexiconFinding } from './finding.js';
import { characterPositions, describePath, type TextSegment } from './segment.js';

export const WordingKind = z.enum(['sensitive', 'typo']);
export type WordingKind = z.infer<typeof WordingKind>;

/** `refuse` stops the release; `warn` is shown to the reviewers, who decide. */
export const WordingAction = z.enum(['refuse', 'warn']);
export type WordingAction = z.infer<typeof WordingAction>;

export const WordingEntry = z
  .object({
    term: z.string().trim().min(1),
    kind: WordingKind,
    suggestion: z.string().trim().min(1).optional(),
    action: WordingAction,
    note: z.string().min(1).optional(),
  })
  .refine((e) => e.kind !== 'typo' || e.suggestion !== undefined, {
    message: 'a typo entry needs the suggestion the editor is offered',
    path: ['suggestion'],
  })
  .refine((e) => e.suggestion !== e.term, {
    message: 'a suggestion equal to its term would loop',
    path: ['suggestion'],
  });
export type WordingEntry = z.infer<typeof WordingEntry>;

/** The lexicon file: sensitive and commonly wrong words (敏错字). */
export const WordingLexicon = z
  .object({
    version: z.literal('v1'),
    description: z.string().optional(),
    entries: z.array(WordingEntry),
  })
  .superRefine((lexicon, ctx) => {
    const seen = new Set<string>();
    lexicon.entries.forEach((entry, i) => {
      if (seen.has(entry.term)) {
        ctx.addIssue({ code: 'custom', message: `term "${entry.term}" is listed twice`, path: ['entries', i, 'term'] });
      }
      seen.add(entry.term);
    });
  });
export type WordingLexicon = z.infer<typeof WordingLexicon>;

/** The lexicon shipped with the package: common errors of government writing. */
export const defaultLexicon: WordingLexicon = WordingLexicon.parse(defaultLexiconFile);

export interface WordingScreenOptions {
  /** Terms the reviewers accepted for this document (e.g. 既使 in "既使…又…"). */
  allowTerms?: readonly string[];
}

/** Every occurrence of every lexicon term in every segment, overlapping ones included. */
export function screenWording(
  segments: readonly TextSegment[],
  lexicon: WordingLexicon,
  options: WordingScreenOptions = {},
): LexiconFinding[] {
  const automaton = automatonOf(lexicon);
  const allowed = new Set(options.allowTerms ?? []);
  const findings: LexiconFinding[] = [];
  for (const { path, text } of segments) {
    const position = characterPositions(text);
    for (const { entry, offset } of automaton.scan(text)) {
      if (allowed.has(entry.term)) continue;
      findings.push(findingOf(entry, path, offset, position(offset)));
    }
  }
  return findings;
}

function findingOf(entry: WordingEntry, path: string, offset: number, position: string): LexiconFinding {
  const { term, kind, action, suggestion, note } = entry;
  const where = `${describePath(path)}${position}起`;
  const zh =
    kind === 'typo'
      ? `${where}“${term}”疑为错误用词${suggestion ? `，建议改为“${suggestion}”` : ''}`
      : `${where}含敏感用语“${term}”${suggestion ? `，建议改为“${suggestion}”` : ''}`;
  const en = `${kind === 'typo' ? 'likely wrong wording' : 'sensitive wording'} "${term}" at ${path} offset ${offset}${
    suggestion ? `, suggest "${suggestion}"` : ''
  }`;
  return {
    rule: 'lexicon',
    term,
    kind,
    action,
    ...(suggestion !== undefined && { suggestion }),
    ...(note !== undefined && { note }),
    path,
    offset,
    length: term.length,
    message: `${zh} / ${en}`,
  };
}

interface Occurrence {
  entry: WordingEntry;
  offset: number;
}

/** Aho–Corasick over UTF-16 units: one pass per segment whatever the lexicon's size. */
class Automaton {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Entries whose term ends exactly at this state. */
  private readonly ending: WordingEntry[][] = [[]];
  /** The nearest state down the failure chain that ends some term, or -1. */
  private readonly outputLink: number[] = [-1];

  constructor(entries: readonly WordingEntry[]) {
    for (const entry of entries) {
      let state = 0;
      for (let i = 0; i < entry.term.length; i++) {
        const unit = entry.term.charCodeAt(i);
        let to = this.next[state]?.get(unit);
        if (to === undefined) {
          to = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.ending.push([]);
          this.outputLink.push(-1);
          this.next[state]?.set(unit, to);
        }
        state = to;
      }
      this.ending[state]?.push(entry);
    }
    this.link();
  }

  *scan(text: string): Generator<Occurrence> {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      while (state !== 0 && !this.next[state]?.has(unit)) state = this.fail[state] ?? 0;
      state = this.next[state]?.get(unit) ?? 0;
      for (let s = this.hasOwnOutput(state) ? state : (this.outputLink[state] ?? -1); s !== -1; s = this.outputLink[s] ?? -1) {
        for (const entry of this.ending[s] ?? []) yield { entry, offset: i + 1 - entry.term.length };
      }
    }
  }

  private hasOwnOutput(state: number): boolean {
    return (this.ending[state]?.length ?? 0) > 0;
  }

  /** Breadth-first, so a state's failure target is always linked before the state itself. */
  private link(): void {
    const queue: number[] = [...(this.next[0]?.values() ?? [])];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      for (const [unit, child] of this.next[state] ?? []) {
        let f = this.fail[state] ?? 0;
        while (f !== 0 && !this.next[f]?.has(unit)) f = this.fail[f] ?? 0;
        const target = this.next[f]?.get(unit);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const failTo = this.fail[child] ?? 0;
        this.outputLink[child] = this.hasOwnOutput(failTo) ? failTo : (this.outputLink[failTo] ?? -1);
        queue.push(child);
      }
    }
  }
}

// A lexicon is compiled once however many revisions it screens.
const compiled = new WeakMap<WordingLexicon, Automaton>();

function automatonOf(lexicon: WordingLexicon): Automaton {
  let automaton = compiled.get(lexicon);
  if (automaton === undefined) {
    automaton = new Automaton(lexicon.entries);
    compiled.set(lexicon, automaton);
  }
  return automaton;
}
