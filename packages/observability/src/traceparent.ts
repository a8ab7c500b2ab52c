import { randomBytes } from 'node:crypto';

/** One span of a W3C Trace Context: the trace it belongs to, its own id, and whether it is sampled. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

// W3C Trace Context level 1: version-traceid-parentid-flags, lowercase hex; future versions may append fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/** Reads a `traceparent` header; undefined for anything the spec says to ignore (then start a new trace). */
export const parseTraceparent = (header: string | undefined): TraceContext | undefined => {
  const match = TRACEPARENT.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
};

export const formatTraceparent = (context: TraceContext): string =>
  `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;

const nonZeroHex = (bytes: number): string => {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ZEROS.test(hex)) return hex;
  }
};

/** The root span of a new trace (an editor's release, a console action). */
export const newTraceContext = (): TraceContext => ({ traceId: nonZeroHex(16), spanId: nonZeroHex(8), sampled: true });

/** A span under `parent`: same trace, new span id; a missing parent starts a new trace. */
export const childTraceContext = (parent: TraceContext | undefined): TraceContext =>
  parent === undefined ? newTraceContext() : { ...parent, spanId: nonZeroHex(8) };
