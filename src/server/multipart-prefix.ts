/**
 * The text fields at the start of a multipart/form-data body, read from its first bytes only.
 * Browsers send fields in the order of the form, and the report form puts its token first, so a
 * forged submission can be told from its first kilobytes without receiving or parsing its photos.
 */

export interface MultipartPrefix {
  /** The complete text fields before the first file or the end of the prefix; the first of each name, as FormData.get gives it. */
  fields: Map<string, string>;
  /** A file part began before the prefix ended (every field after it is unknown). */
  fileSeen: boolean;
  /** The body's closing boundary lies inside the prefix: the fields are all there are. */
  complete: boolean;
  /** Bytes from the start up to the first part not taken (a file, or one cut off by the prefix's end). */
  textBytes: number;
}

/** The boundary of a multipart/form-data Content-Type, or null for any other type. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2])! : null;
}

function nameOf(headers: string): { name: string | null; isFile: boolean } {
  const disposition = headers.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line)) ?? '';
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? null;
  return { name, isFile: /;\s*filename\*?=/i.test(disposition) };
}

/** Reads the text fields that `prefix` holds in full; never throws on a malformed body. */
export function readMultipartPrefix(prefix: Buffer, boundary: string): MultipartPrefix {
  const fields = new Map<string, string>();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const result = (fileSeen: boolean, complete: boolean, textBytes: number): MultipartPrefix => ({ fields, fileSeen, complete, textBytes });
  // The first boundary may start the body (no CRLF before it) or follow a preamble.
  const first = prefix.subarray(0, delimiter.length - 2).equals(delimiter.subarray(2)) ? 0 : prefix.indexOf(delimiter);
  if (first < 0) return result(false, false, 0);
  let at = first === 0 ? delimiter.length - 2 : first + delimiter.length;
  let partStart = first;
  for (;;) {
    if (prefix.length < at + 2) return result(false, false, partStart);
    if (prefix[at] === 0x2d && prefix[at + 1] === 0x2d) return result(false, true, partStart);
    const headersEnd = prefix.indexOf('\r\n\r\n', at);
    if (headersEnd < 0) return result(false, false, partStart);
    const { name, isFile } = nameOf(prefix.subarray(at, headersEnd).toString('utf8'));
    if (isFile) return result(true, false, partStart);
    const valueEnd = prefix.indexOf(delimiter, headersEnd + 4);
    if (valueEnd < 0) return result(false, false, partStart);
    if (name !== null && !fields.has(name)) fields.set(name, prefix.subarray(headersEnd + 4, valueEnd).toString('utf8'));
    partStart = valueEnd;
    at = valueEnd + delimiter.length;
  }
}

/**
 * The part headers a browser writes for a text field, and for a file input left empty (browsers
 * write an empty file name, fetch's FormData none; either way the part holds no bytes).
 */
const TEXT_PART = /^Content-Disposition: form-data; name="([^"\r\n]*)"$/;
const EMPTY_FILE_PART = /^Content-Disposition: form-data; name="([^"\r\n]*)"(?:; filename="")?\r\nContent-Type: application\/octet-stream$/;

/**
 * The text fields of a whole multipart body, but only when it has the shape browsers and fetch
 * give a form without a chosen file: each part a text field with nothing but its name, or a file
 * input left empty (no file name, no bytes), closed by the final boundary; the first value of
 * each name, as FormData.get gives it. Anything else (a photo, another header, a part with no
 * name, bytes missing) gives null, and the body is left to the full parser (Astro's, undici's).
 * Strict on purpose: what this accepts, that parser reads the same way.
 */
export function readTextOnlyForm(body: Buffer, boundary: string): { fields: Map<string, string>; emptyFiles: string[] } | null {
  const fields = new Map<string, string>();
  const emptyFiles: string[] = [];
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, opening.length).equals(opening)) return null;
  let at = opening.length;
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return { fields, emptyFiles };
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) return null;
    const headersEnd = body.indexOf('\r\n\r\n', at + 2);
    if (headersEnd < 0) return null;
    const headers = body.subarray(at + 2, headersEnd).toString('utf8');
    const valueEnd = body.indexOf(delimiter, headersEnd + 4);
    if (valueEnd < 0) return null;
    const text = TEXT_PART.exec(headers);
    if (text) {
      if (!fields.has(text[1]!)) fields.set(text[1]!, body.subarray(headersEnd + 4, valueEnd).toString('utf8'));
    } else {
      const file = EMPTY_FILE_PART.exec(headers);
      if (!file || valueEnd !== headersEnd + 4) return null;
      emptyFiles.push(file[1]!);
    }
    at = valueEnd + delimiter.length;
  }
}
