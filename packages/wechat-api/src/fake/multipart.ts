/** One file part of a multipart/form-data body. */
export interface FilePart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  bytes: Buffer;
}

/** Parses multipart/form-data (RFC 7578) the way WeChat's upload endpoints receive it; null when the body is not one. */
export const parseMultipart = (contentType: string | undefined, body: Buffer): FilePart[] | null => {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!/^multipart\/form-data/i.test(contentType ?? '') || !boundary) return null;
  const delimiter = Buffer.from(`--${(boundary[1] ?? boundary[2] ?? '').trim()}`);
  const parts: FilePart[] = [];
  let start = body.indexOf(delimiter);
  if (start === -1) return null;
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    start += 2; // CRLF after the delimiter
    const end = body.indexOf(delimiter, start);
    if (end === -1) return null;
    const part = body.subarray(start, end - 2); // CRLF before the next delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) return null;
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      fileName: /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null,
      contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? null,
      bytes: Buffer.from(part.subarray(headerEnd + 4)),
    });
    start = end;
  }
  return parts;
};

/** The image format from the bytes themselves, as WeChat checks it (a .jpg name on PNG bytes is still PNG). */
export const sniffImage = (bytes: Buffer): 'jpeg' | 'png' | 'gif' | 'bmp' | null => {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return null;
};
