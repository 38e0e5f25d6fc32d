import { describe, expect, it } from 'vitest';
import { multipartBoundary, readMultipartPrefix, readTextOnlyForm } from '../../src/server/multipart-prefix.ts';

/** A body exactly as fetch encodes a FormData, with its boundary. */
async function encode(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  const boundary = multipartBoundary(request.headers.get('content-type') ?? '')!;
  return { body: Buffer.from(await request.arrayBuffer()), boundary };
}

function reportForm(): FormData {
  const form = new FormData();
  form.set('form_token', 'eyJrIjoi.c2ln');
  form.set('problem_class', 'house');
  form.set('place', '村东头路口北侧，\r\n--看起来像分隔线的一行');
  form.set('description', '东边的耕地被推平了'.repeat(50));
  form.append('photos', new Blob([new Uint8Array(50_000).fill(7)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  form.set('website', '');
  return form;
}

describe('reading the text fields from the first bytes of a multipart body', () => {
  it('finds the boundary of multipart/form-data only, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
  });

  it('reads every text field before the first photo, as FormData reads them', async () => {
    const { body, boundary } = await encode(reportForm());
    const read = readMultipartPrefix(body.subarray(0, 64 * 1024), boundary);
    expect(read.fileSeen).toBe(true);
    expect(read.complete).toBe(false);
    expect(Object.fromEntries(read.fields)).toEqual({ form_token: 'eyJrIjoi.c2ln', problem_class: 'house', place: '村东头路口北侧，\r\n--看起来像分隔线的一行', description: '东边的耕地被推平了'.repeat(50) });
  });

  it('never reports a field it has not received in full, wherever the prefix ends', async () => {
    const { body, boundary } = await encode(reportForm());
    const whole = new Map([...(await new Request('http://x/', { method: 'POST', body: reportForm() }).formData()).entries()].filter(([, v]) => typeof v === 'string') as [string, string][]);
    for (let cut = 0; cut < 2200; cut++) {
      const read = readMultipartPrefix(body.subarray(0, cut), boundary);
      for (const [name, value] of read.fields) expect(whole.get(name), `cut at ${cut}`).toBe(value);
      expect(read.textBytes).toBeLessThanOrEqual(cut);
    }
  });

  it('knows when the whole body was read, and the text part of it ends where the photos begin', async () => {
    const form = new FormData();
    form.set('form_token', 't');
    form.set('website', 'http://spam.example');
    const { body, boundary } = await encode(form);
    const read = readMultipartPrefix(body, boundary);
    expect(read.complete).toBe(true);
    expect(read.fields.get('website')).toBe('http://spam.example');

    const withPhoto = await encode(reportForm());
    const cut = readMultipartPrefix(withPhoto.body, withPhoto.boundary);
    const rebuilt = Buffer.concat([withPhoto.body.subarray(0, cut.textBytes), Buffer.from(`\r\n--${withPhoto.boundary}--\r\n`)]);
    const reparsed = await new Request('http://x/', { method: 'POST', body: rebuilt, headers: { 'content-type': `multipart/form-data; boundary=${withPhoto.boundary}` } }).formData();
    expect(reparsed.get('description')).toBe('东边的耕地被推平了'.repeat(50));
    expect(reparsed.get('photos')).toBeNull();
  });

  it('gives nothing, and never throws, for bytes that are not multipart', () => {
    for (const junk of ['', 'hello', '--b', '--b\r\n', '--b\r\nContent-Disposition: form-data; name="x"', '--b--', '\u0000'.repeat(100)]) {
      const read = readMultipartPrefix(Buffer.from(junk), 'b');
      expect(read.fields.size).toBe(0);
    }
  });
});

/** The enhanced report form as the browser sends it without a photo: text fields and the empty file input. */
function textOnlyForm(): FormData {
  const form = new FormData();
  form.set('form_token', 'eyJrIjoi.c2ln');
  form.set('problem_class', 'house');
  form.set('place', '村东头路口北侧，\r\n--看起来像分隔线的一行');
  form.append('photos', new Blob([]), '');
  form.set('name', '');
  form.set('description', '东边的耕地被推平了\n\n'.repeat(20));
  form.append('website', '');
  form.append('website', 'second of its name');
  return form;
}

/** Each name's first text value, as FormData.get gives it to Astro. */
async function firstTexts(body: Buffer, boundary: string): Promise<Map<string, string>> {
  const parsed = await new Request('http://x/', { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }).formData();
  const out = new Map<string, string>();
  for (const [name, value] of parsed) if (typeof value === 'string' && !out.has(name)) out.set(name, value);
  return out;
}

describe('reading a whole form of text fields, as browsers send one without a photo', () => {
  it('reads every text field as FormData does, the first of each name, and names the empty file input', async () => {
    const { body, boundary } = await encode(textOnlyForm());
    const read = readTextOnlyForm(body, boundary);
    expect(read).not.toBeNull();
    // fetch writes the empty file input without a file name, so FormData reads it as empty text.
    const texts = await firstTexts(body, boundary);
    expect(texts.get('photos')).toBe('');
    texts.delete('photos');
    expect(read!.fields).toEqual(texts);
    expect(read!.fields.get('website')).toBe('');
    expect(read!.emptyFiles).toEqual(['photos']);

    // A browser names the empty file input's file "" (and FormData reads it as an empty File).
    const asBrowsers = Buffer.from(body.toString('latin1').replace('name="photos"\r\n', 'name="photos"; filename=""\r\n'), 'latin1');
    expect(readTextOnlyForm(asBrowsers, boundary)).toEqual(read);
  });

  it('leaves to the full parser a photo, a file name, a header of any other kind, or bytes missing', async () => {
    const withPhoto = textOnlyForm();
    withPhoto.append('photos', new Blob([new Uint8Array(10).fill(7)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    expect(readTextOnlyForm(...Object.values(await encode(withPhoto)) as [Buffer, string])).toBeNull();

    const namedEmpty = textOnlyForm();
    namedEmpty.append('photos', new Blob([]), 'empty.jpg');
    expect(readTextOnlyForm(...Object.values(await encode(namedEmpty)) as [Buffer, string])).toBeNull();

    const { body, boundary } = await encode(textOnlyForm());
    const typed = Buffer.from(body.toString('latin1').replace('name="problem_class"\r\n', 'name="problem_class"\r\nContent-Type: text/plain; charset=utf-8\r\n'), 'latin1');
    expect((await firstTexts(typed, boundary)).get('problem_class')).toBe('house');
    expect(readTextOnlyForm(typed, boundary)).toBeNull();

    const preamble = Buffer.concat([Buffer.from('\r\n'), body]);
    expect(readTextOnlyForm(preamble, boundary)).toBeNull();
    for (let cut = 0; cut < body.length - 2; cut += 7) expect(readTextOnlyForm(body.subarray(0, cut), boundary), `cut at ${cut}`).toBeNull();
  });

  it('gives nothing, and never throws, for bytes that are not multipart', () => {
    for (const junk of ['', 'hello', '--b', '--b\r\n', '--b\r\nContent-Disposition: form-data; name="x"', '--bx--', '\u0000'.repeat(100)]) {
      expect(readTextOnlyForm(Buffer.from(junk), 'b')).toBeNull();
    }
    expect(readTextOnlyForm(Buffer.from('--b--\r\n'), 'b')).toEqual({ fields: new Map(), emptyFiles: [] });
  });
});
