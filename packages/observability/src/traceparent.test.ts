import { describe, expect, it } from 'vitest';
import { childTraceContext, formatTraceparent, newTraceContext, parseTraceparent } from './index.js';

describe('W3C traceparent', () => {
  it('reads the example of the specification and writes it back', () => {
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseTraceparent(header)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(formatTraceparent(parseTraceparent(header)!)).toBe(header);
  });

  it.each([
    ['empty', ''],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['extra fields on version 00', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
  ])('ignores a header with %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('accepts a future version with more fields, as the specification asks', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more')?.sampled).toBe(false);
  });

  it('a child keeps the trace and takes a new span; no parent starts a new trace', () => {
    const root = newTraceContext();
    const child = childTraceContext(root);
    expect(child.traceId).toBe(root.traceId);
    expect(child.spanId).not.toBe(root.spanId);
    expect(parseTraceparent(formatTraceparent(child))).toEqual(child);
    expect(childTraceContext(undefined).traceId).not.toBe(root.traceId);
  });
});
