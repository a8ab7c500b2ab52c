// Chinese line breaking for the PDF: a break between any two ideographs, Latin words kept whole, and the 禁则
// (kinsoku) rules of GB/T 15834 punctuation: no closing mark at the start of a line, no opening mark at its end.

/** A stretch of text in one font: a run-in heading and its paragraph are two runs of one line. */
export interface TextRun {
  font: string;
  text: string;
}

export interface LinePiece {
  font: string;
  text: string;
  /** advance width at the line's size, without justification */
  width: number;
}

export interface BrokenLine {
  pieces: LinePiece[];
  /** natural width of the pieces */
  width: number;
  /** where the line starts, after its indent */
  indent: number;
  /** the last line of its paragraph: never justified */
  last: boolean;
}

/** Width of a string in a font at size 1 (em units), cached by the caller. */
export type Measure = (font: string, text: string) => number;

// Closing punctuation and marks that may not begin a line.
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉’”…—·%‰℃,.;:?!)]}>']);
// Opening punctuation that may not end a line.
const NO_LINE_END = new Set([...'（《「『【〔〈‘“([{<']);
// Letters, digits and the marks inside numbers and URLs: a run of them is one unbreakable word.
const WORD_CHAR = /[A-Za-z0-9@#$&*+\-=_/\\|~^'"`.,:;%]/;

interface Unit {
  pieces: TextRun[];
  /** a space: a break opportunity, dropped at the end of a line */
  space: boolean;
}

const unitText = (unit: Unit): string => unit.pieces.map((p) => p.text).join('');

/** Units that cannot be broken inside: one ideograph, one Latin word, one space. */
const unitsOf = (runs: readonly TextRun[]): Unit[] => {
  const units: Unit[] = [];
  let word: Unit | null = null;
  for (const run of runs) {
    for (const char of run.text) {
      if (/\s/.test(char)) {
        word = null;
        units.push({ pieces: [{ font: run.font, text: ' ' }], space: true });
        continue;
      }
      if (WORD_CHAR.test(char) && word !== null) {
        const last = word.pieces[word.pieces.length - 1] as TextRun;
        if (last.font === run.font) last.text += char;
        else word.pieces.push({ font: run.font, text: char });
        continue;
      }
      const unit: Unit = { pieces: [{ font: run.font, text: char }], space: false };
      units.push(unit);
      word = WORD_CHAR.test(char) ? unit : null;
    }
  }
  // 禁则: glue closing marks to what precedes them and opening marks to what follows.
  const glued: Unit[] = [];
  let pendingOpen: Unit | null = null;
  for (const unit of units) {
    const text = unitText(unit);
    const first = text.charAt(0);
    const previous = glued[glued.length - 1];
    if (pendingOpen !== null) {
      pendingOpen.pieces.push(...unit.pieces);
      pendingOpen.space = false;
      if (!NO_LINE_END.has(text.charAt(text.length - 1))) pendingOpen = null;
      continue;
    }
    if (!unit.space && NO_LINE_START.has(first) && previous !== undefined && !previous.space) {
      previous.pieces.push(...unit.pieces);
      continue;
    }
    glued.push(unit);
    if (!unit.space && NO_LINE_END.has(text.charAt(text.length - 1))) pendingOpen = unit;
  }
  return glued;
};

const mergePieces = (pieces: readonly TextRun[], measure: Measure, size: number): LinePiece[] => {
  const merged: TextRun[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.font === piece.font) last.text += piece.text;
    else merged.push({ ...piece });
  }
  return merged.map((piece) => ({ ...piece, width: measure(piece.font, piece.text) * size }));
};

/**
 * Greedy line filling at a given size and measure. `firstIndent` is the 首行缩进 (2 characters in body text),
 * `indent` the start of the other lines (hanging list items). A unit wider than a whole line is cut by character.
 */
export const breakLines = (
  runs: readonly TextRun[],
  options: { size: number; width: number; firstIndent: number; indent: number; measure: Measure },
): BrokenLine[] => {
  const { size, width, measure } = options;
  const widthOf = (unit: Unit) => unit.pieces.reduce((sum, p) => sum + measure(p.font, p.text) * size, 0);
  const lines: BrokenLine[] = [];
  let current: TextRun[] = [];
  let currentWidth = 0;
  let pendingSpace: Unit | null = null;
  const indentOf = () => (lines.length === 0 ? options.firstIndent : options.indent);
  const flush = (last: boolean) => {
    const pieces = mergePieces(current, measure, size);
    lines.push({ pieces, width: pieces.reduce((sum, p) => sum + p.width, 0), indent: indentOf(), last });
    current = [];
    currentWidth = 0;
    pendingSpace = null;
  };
  const pending: Unit[] = [...unitsOf(runs)];
  while (pending.length > 0) {
    const unit = pending.shift() as Unit;
    const available = width - indentOf();
    if (unit.space) {
      if (current.length > 0) pendingSpace = unit;
      continue;
    }
    const spaceWidth: number = pendingSpace === null ? 0 : widthOf(pendingSpace);
    const unitWidth = widthOf(unit);
    if (currentWidth + spaceWidth + unitWidth <= available + 0.01) {
      if (pendingSpace !== null) current.push(...pendingSpace.pieces);
      current.push(...unit.pieces);
      currentWidth += spaceWidth + unitWidth;
      pendingSpace = null;
      continue;
    }
    if (current.length > 0) {
      flush(false);
      pending.unshift(unit);
      continue;
    }
    // Alone on a line and still too wide (a long URL, a glued run): cut it where it overflows.
    const chars = unit.pieces.flatMap((piece) => [...piece.text].map((text) => ({ font: piece.font, text })));
    let taken = 0;
    let takenWidth = 0;
    while (taken < chars.length) {
      const w = measure(chars[taken]!.font, chars[taken]!.text) * size;
      if (taken > 0 && takenWidth + w > available + 0.01) break;
      takenWidth += w;
      taken += 1;
    }
    current.push(...chars.slice(0, taken));
    currentWidth = takenWidth;
    const rest = chars.slice(taken);
    if (rest.length > 0) {
      flush(false);
      pending.unshift({ pieces: rest, space: false });
    }
  }
  if (current.length > 0 || lines.length === 0) flush(true);
  else lines[lines.length - 1]!.last = true;
  return lines;
};
