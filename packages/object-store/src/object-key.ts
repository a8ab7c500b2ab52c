import { InvalidInputError } from '@tongyuan/errors';

const unsafeSegment = /(^\.{1,2}$)|[\\\u0000-\u001f\u007f]|^$/;

/** Joins path segments into an object key, refusing anything that could escape its prefix or differ between runs. */
export const objectKey = (...segments: Array<string | number>): string =>
  segments
    .flatMap((segment) => String(segment).split('/'))
    .map((segment, index, all) => {
      // A trailing empty segment is allowed only as the very last one, e.g. "site/" prefixes.
      if (segment === '' && index === all.length - 1 && index > 0) return segment;
      if (unsafeSegment.test(segment)) throw new InvalidInputError(`unsafe object key segment ${JSON.stringify(segment)}`);
      return segment;
    })
    .join('/');
