/**
 * Masking contact and identity numbers in published text: mobile and landline numbers, 18- and
 * 15-digit resident ID numbers, bank-card-like digit runs and licence plates. A notice needs none of
 * them to tell what happened, and each one alone can find a person.
 *
 * What must survive is what a notice is made of: dates (2023年6月1日, 2023-06-01, 20230601), areas
 * (0.60亩, 20 647 亩), document numbers (晋政办发〔2022〕45号), parcel ids after their cue word
 * (图斑编号140824202201001) and the 12336 hotline. So a pattern needs the shape of a number kind —
 * its length, prefix and separators — and short runs are masked only after a cue word (电话5522345).
 *
 * Masked forms keep the shape readers know (138****5678, 0359-*******, 晋M·*****) and contain no
 * digit that a pattern could match again, so masking is idempotent.
 */

export type ContactKind = 'mobile' | 'landline' | 'id' | 'bank' | 'plate';

export const CONTACT_LABELS: Readonly<Record<ContactKind, string>> = {
  mobile: '手机号',
  landline: '固定电话',
  id: '身份证号',
  bank: '银行卡号',
  plate: '车牌号',
};

export interface MaskHit {
  kind: ContactKind | 'person' | 'company';
  original: string;
  masked: string;
}

/** ASCII and full-width digits: people paste numbers from phones and forms. */
const D = '[0-9０-９]';
const NOT_BEFORE = '(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])';
const NOT_AFTER = '(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])';
const SEP = '[-－\\s\\u3000]';

/** Province abbreviations that start a licence plate (晋M·12345), plus 使 and 领 plates. */
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/** Words before a parcel id or a file number: the digits after them are not personal. */
const PARCEL_CUE = /(?:图斑编号|图斑号|图斑|宗地号|宗号|地块编号|地块号|编号|文号|案号|项目代码)[：:\s\u3000]*$/;

/** Words before a short telephone number written without its area code. */
const PHONE_CUE = /(?:电话|手机|座机|联系方式|联系电话|电话号码|手机号|电\s*话|Tel|TEL|tel)[：:\s\u3000]*(?:是|为)?$/;

interface Rule {
  kind: ContactKind;
  pattern: RegExp;
  /** Needs a phone cue word right before it. */
  cued?: boolean;
  mask: (match: string) => string;
}

function digitsOf(s: string): string[] {
  return [...s].filter((c) => /[0-9０-９]/.test(c));
}

/** Replaces every digit after the first `keepHead` and before the last `keepTail` with *. */
function starDigits(s: string, keepHead: number, keepTail: number): string {
  const total = digitsOf(s).length;
  let seen = 0;
  return [...s]
    .map((c) => {
      if (!/[0-9０-９]/.test(c)) return c;
      seen++;
      return seen <= keepHead || seen > total - keepTail ? c : '*';
    })
    .join('');
}

const RULES: readonly Rule[] = [
  {
    kind: 'id',
    pattern: new RegExp(`${NOT_BEFORE}${D}{6}(?:19|20|１９|２０)${D}{2}(?:0[1-9]|1[0-2]|０[１-９]|１[０-２])${D}{2}${D}{3}[0-9０-９XxＸｘ]${NOT_AFTER}`, 'g'),
    // The first four digits are the province and city: public knowledge, no person in them.
    mask: (m) => m.slice(0, 4) + '*'.repeat([...m].length - 4),
  },
  {
    kind: 'bank',
    // 16–19 digits, in one run or in groups of four.
    pattern: new RegExp(`${NOT_BEFORE}(?:${D}{16,19}|${D}{4}(?:${SEP}${D}{4}){3}(?:${SEP}?${D}{1,3})?)${NOT_AFTER}`, 'g'),
    mask: (m) => starDigits(m, 4, 4),
  },
  {
    kind: 'id',
    // First-generation IDs: 15 digits with a two-digit birth year.
    pattern: new RegExp(`${NOT_BEFORE}${D}{6}${D}{2}(?:0[1-9]|1[0-2]|０[１-９]|１[０-２])${D}{2}${D}{3}${NOT_AFTER}`, 'g'),
    mask: (m) => m.slice(0, 4) + '*'.repeat([...m].length - 4),
  },
  {
    kind: 'mobile',
    // 13812345678, 138-1234-5678, 138 1234 5678, +86 138…, 86-138….
    pattern: new RegExp(`${NOT_BEFORE}(?:[+＋]?(?:86|８６)${SEP}?)?(?:1|１)[3-9３-９]${D}${SEP}?${D}{4}${SEP}?${D}{4}${NOT_AFTER}`, 'g'),
    // 138****5678: the country code and the carrier prefix stay, the four digits after them go.
    mask: (m) => starDigits(m, digitsOf(m).length - 8, 4),
  },
  {
    kind: 'landline',
    // 0359-5522345, (0359)5522345, 0359 5522345, 010-12345678: an area code, then 7–8 digits.
    pattern: new RegExp(`${NOT_BEFORE}(?:[(（](?:0|０)${D}{2,3}[)）]${SEP}?|(?:0|０)${D}{2,3}${SEP}?)${D}{7,8}(?:${SEP}?(?:转|-|－)${D}{1,5})?${NOT_AFTER}`, 'g'),
    mask: (m) => m.replace(new RegExp(`^([(（]?(?:0|０)${D}{2,3}[)）]?${SEP}?)(.*)$`), (_, area: string, rest: string) => area + rest.replace(/[0-9０-９]/g, '*')),
  },
  {
    kind: 'landline',
    // A local number without its area code is only a number after a word that says so.
    pattern: new RegExp(`${NOT_BEFORE}${D}{3,4}${SEP}?${D}{4}${NOT_AFTER}`, 'g'),
    cued: true,
    mask: (m) => m.replace(/[0-9０-９]/g, '*'),
  },
  {
    kind: 'plate',
    // 晋M·12345, 晋M12345, 晋M·D12345 (new energy), 晋MＡ1234.
    pattern: new RegExp(`[${PLATE_PROVINCES}][A-HJ-NP-ZＡ-Ｚ][·•・.．\\-－\\s]?[A-HJ-NP-Z0-9Ａ-Ｚ０-９]{5,6}${NOT_AFTER}`, 'g'),
    mask: (m) => m.slice(0, 2) + m.slice(2).replace(/[A-HJ-NP-Z0-9Ａ-Ｚ０-９]/g, '*'),
  },
];

/**
 * Masks every contact or identity number in `text`. Hits are appended to `found` when given, so
 * the drafter and the approver can see what was masked before the notice goes out.
 */
export function maskContacts(text: string, found?: MaskHit[]): string {
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (match: string, offset: number, whole: string) => {
      const before = whole.slice(Math.max(0, offset - 12), offset);
      if (PARCEL_CUE.test(before)) return match;
      if (rule.cued && !PHONE_CUE.test(before)) return match;
      const masked = rule.mask(match);
      found?.push({ kind: rule.kind, original: match, masked });
      return masked;
    });
  }
  return result;
}
