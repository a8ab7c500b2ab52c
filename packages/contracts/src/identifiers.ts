import { randomBytes } from 'node:crypto';
import { z } from 'zod';

// Crockford base32, the ULID alphabet: no I, L, O, U, so ids survive being read aloud or retyped.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const DocumentId = z
  .string()
  .regex(
    /^doc_[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
    'document id must be "doc_" followed by a 26-character ULID, e.g. doc_01G1R4M5N6P7Q8R9S0T1V2W3X4',
  )
  .describe('文档标识 document id: "doc_" + ULID, assigned once by the service; the Kafka key of every event about the document')
  .meta({ id: 'DocumentId' });
export type DocumentId = z.infer<typeof DocumentId>;

/** A new document id; time-ordered so listings by id follow creation order. */
export const newDocumentId = (now: number = Date.now(), random: Uint8Array = randomBytes(10)): DocumentId => {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD.charAt(t % 32) + time;
  let bits = 0n;
  for (const byte of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let tail = '';
  for (let i = 0; i < 16; i++, bits >>= 5n) tail = CROCKFORD.charAt(Number(bits & 31n)) + tail;
  return `doc_${time}${tail}`;
};

export const RevisionNumber = z
  .number()
  .int()
  .min(1)
  .describe('修订号 revision number: 1 for the first release, +1 for each correction, withdrawal or validity change')
  .meta({ id: 'RevisionNumber' });
export type RevisionNumber = z.infer<typeof RevisionNumber>;

export const Fingerprint = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'fingerprint must be "sha256:" followed by 64 lowercase hex digits')
  .describe('源指纹 source fingerprint: "sha256:" + hex SHA-256 of the RFC 8785 canonical JSON of the revision')
  .meta({ id: 'Fingerprint' });
export type Fingerprint = z.infer<typeof Fingerprint>;

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')
  .describe('SHA-256 of the stored bytes, 64 lowercase hex digits')
  .meta({ id: 'Sha256Hex' });

/** Ids local to one revision (block ids, attachment ids): short, URL- and anchor-safe. */
export const LocalId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'id must be 1–64 characters of A–Z, a–z, 0–9, "_" or "-", starting with a letter or digit',
  )
  .describe('revision-local id, stable across revisions so anchors and diffs survive corrections')
  .meta({ id: 'LocalId' });

/** Ids of delivery targets: portal sites, new-media accounts, gazette issues. */
export const TargetId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'target id must be 1–64 characters of a–z, 0–9, ".", "_" or "-", starting with a letter or digit',
  )
  .describe('delivery target id: a site id, an account id or a gazette issue id, e.g. zigong-portal, 2022-05')
  .meta({ id: 'TargetId' });

/** Staff ids come from the organisation's directory; only their shape is ours. */
export const StaffId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'staff id must be 1–128 characters of letters, digits, ".", "_", "@" or "-"')
  .describe('工作人员标识 staff id in the organisation directory')
  .meta({ id: 'StaffId' });

export const RegionCode = z
  .string()
  .regex(
    /^\d{6}(?:\d{3}(?:\d{3})?)?$/,
    'region must be a 行政区划代码: 6 digits (county and above), 9 (township) or 12 (village)',
  )
  .describe('行政区划代码 administrative division code (GB/T 2260; 9 or 12 digits below county level)')
  .meta({ id: 'RegionCode' });

// Only S3's "safe characters", no empty, "." or ".." segments: keys are built by code, never from titles.
const OBJECT_KEY = /^(?!\.{1,2}(?:\/|$))[A-Za-z0-9!_.*'()=+-]+(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9!_.*'()=+-]+)*$/;
export const ObjectKey = z
  .string()
  .max(1024)
  .regex(
    OBJECT_KEY,
    'object key must be "/"-separated segments of A–Z a–z 0–9 ! _ . * \' ( ) = + -, without a leading "/" or "." / ".." segments',
  )
  .describe('S3 object key (no bucket, no leading "/")')
  .meta({ id: 'ObjectKey' });

export const MediaType = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/,
    'media type must be a lowercase type/subtype without parameters, e.g. application/pdf',
  )
  .describe('媒体类型 IANA media type, lowercase, no parameters')
  .meta({ id: 'MediaType' });

export const IsoDate = z.iso.date().describe('calendar date YYYY-MM-DD').meta({ id: 'IsoDate' });
export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .describe('RFC 3339 date-time with Z or an offset, e.g. 2022-04-29T09:30:00+08:00')
  .meta({ id: 'IsoDateTime' });

/** Text that must show something: not empty, not only spaces. */
export const NonBlankText = z.string().regex(/\S/, 'must not be empty or blank');

/** One line of visible text (titles, headings, paragraphs): a line break would mean another block. */
export const LineText = z
  .string()
  // Leading blanks, the first non-blank, the rest: one way to match, so a 900 KB line with a break fails in linear time
  // (the former [^\n]*\S[^\n]* backtracked quadratically and held a consumer past its session).
  .regex(/^[^\S\r\n\u2028\u2029]*\S[^\r\n\u2028\u2029]*$/, 'must be one non-blank line (no line breaks)');

/** An array whose items must differ; the JSON Schema says so too (uniqueItems). */
export const uniqueArray = <T extends z.ZodType>(item: T, min = 0) =>
  z
    .array(item)
    .min(min)
    .refine((items) => new Set(items.map((i) => JSON.stringify(i))).size === items.length, 'items must not repeat')
    .meta({ uniqueItems: true });
