/**
 * Masking parties in public case notices (典型案例通报). The Ministry's notices name a person by
 * surname only (王某) and a business by its kind only (某公司, 某砖厂); public bodies keep their
 * names. Staff list the parties they know; heuristics catch the other names a drafter typed into
 * the body. Heuristics cannot be perfect in Chinese text (no word boundaries), so they lean to
 * masking a little too much around a business name rather than leaking it, and the drafter always
 * reviews the preview before a second person approves.
 */

import { maskContacts, type MaskHit } from './contact-masking.ts';
import { maskCompany, maskParty, maskPerson, normalise, type PartyKind } from './mask-party.ts';
import { COMPANY_SUFFIXES, COMPOUND_SURNAMES, CUE_FALSE_STARTS, HAN, INTERIOR_CUTS, LEADING_STRIP, MASK_CHARS, NAME_BOUNDARY, NOT_GIVEN_NAME_START, NOT_NAME_PREFIXES, PERSON_CUES, PLACE_END, SURNAMES, TEXT_COMPANY_SUFFIXES } from './masking-words.ts';

export type { MaskHit } from './contact-masking.ts';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression that finds a name however it was typed: spaces, full- or half-width brackets. */
function looseNamePattern(name: string): RegExp | null {
  const chars = [...normalise(name)];
  if (chars.length === 0) return null;
  const parts = chars.map((c) => (c === '(' ? '[(（]' : c === ')' ? '[)）]' : escapeRegExp(c)));
  return new RegExp(parts.join('[\\s\\u3000]*'), 'g');
}

/**
 * True when a person's name found in text is really the front of a place name: 南阳 in 南阳村,
 * 马跑 in 马跑泉村. A name followed by a boundary word (王建国在村里) is still a name.
 */
function startsPlaceName(text: string, end: number): boolean {
  if (NAME_BOUNDARY.has(text.charAt(end))) return false;
  // Up to two more characters of the place before its ending: 南阳|村, 马跑|泉村, 西|社|镇.
  for (let extra = 0; extra <= 2; extra++) {
    const between = text.slice(end, end + extra);
    if ([...between].some((c) => !HAN.test(c))) return false;
    const rest = text.slice(end + extra);
    for (const place of PLACE_END) {
      if (!rest.startsWith(place)) continue;
      // 王建国村民… : 村民, 村委, 村干部 are words, not the end of a place.
      if (place === '村' && '民委干'.includes(rest.charAt(1))) continue;
      return true;
    }
  }
  return false;
}

function isMasked(name: string): boolean {
  return MASK_CHARS.test(name);
}

/** True when a place name (西社镇, 马跑泉村) ends at `index`; 村民, 农村, 乡村, 乡镇 are words. */
function isPlaceEndAt(segment: string, index: number): boolean {
  for (const place of PLACE_END) {
    if (!segment.slice(0, index).endsWith(place)) continue;
    const before = segment.charAt(index - place.length - 1);
    const after = segment.charAt(index);
    if (place === '村' && ('农乡'.includes(before) || '民委干级务'.includes(after))) continue;
    if (place === '乡' && '村镇'.includes(after)) continue;
    if (place === '镇' && before === '乡') continue;
    if (index - place.length < 1) continue; // a place needs a name before its ending
    return true;
  }
  return false;
}

/** Where a business name starts inside the Han run before its suffix. */
function companyNameStart(segment: string): number {
  let start = 0;
  for (let i = 1; i <= segment.length; i++) {
    if (INTERIOR_CUTS.some((w) => segment.slice(0, i).endsWith(w))) start = Math.max(start, i);
    if (isPlaceEndAt(segment, i) && i < segment.length) start = Math.max(start, i);
  }
  let rest = segment.slice(start);
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of LEADING_STRIP) {
      if (rest.startsWith(w)) {
        rest = rest.slice(w.length);
        changed = true;
        break;
      }
    }
  }
  return segment.length - rest.length;
}

/**
 * Cooperatives that are public bodies rather than businesses: a village's collective economic
 * organisation (马跑泉村股份经济合作社) and the supply-and-marketing or credit cooperatives.
 */
function isPublicCooperative(segment: string, suffix: string): boolean {
  if (suffix === '合作社' && /(?:供销|信用)$/.test(segment)) return true;
  return suffix.includes('经济') && /(?:村|社区|镇|乡|街道)$/.test(segment);
}

function maskCompaniesInText(text: string, found?: MaskHit[]): string {
  const suffix = new RegExp(TEXT_COMPANY_SUFFIXES.map(escapeRegExp).join('|'), 'g');
  let out = '';
  let copied = 0;
  let boundary = 0; // the end of the previous business name: names never overlap
  for (const m of text.matchAll(suffix)) {
    const at = m.index;
    let from = at;
    // Walk back over the name: Han characters and balanced brackets (恒通农业（稷山）有限公司);
    // an opening bracket without its partner belongs to the sentence (（以下简称恒通公司）).
    let depth = 0;
    while (from > boundary && at - from < 30) {
      const c = text.charAt(from - 1);
      if (c === ')' || c === '）') depth++;
      else if (c === '(' || c === '（') {
        if (depth === 0) break;
        depth--;
      } else if (!HAN.test(c)) break;
      from--;
    }
    while (depth > 0 && from < at) {
      // An unbalanced closing bracket: start after it.
      const c = text.charAt(from);
      from++;
      if (c === ')' || c === '）') depth--;
    }
    const segment = text.slice(from, at);
    boundary = at + m[0].length;
    if (!segment || MASK_CHARS.test(segment.slice(-1))) continue; // 某公司 is already masked
    const start = from + companyNameStart(segment);
    const name = text.slice(start, at);
    if ([...name].length < 2) continue; // 该公司, 子公司: no name to hide
    if (isPublicCooperative(segment, m[0])) continue;
    const masked = maskCompany(m[0]);
    found?.push({ kind: 'company', original: text.slice(start, boundary), masked });
    out += text.slice(copied, start) + masked;
    copied = boundary;
  }
  return out + text.slice(copied);
}

/** Reads one name at `at`: a surname and one or two given characters, or null. */
function readPersonName(text: string, at: number): string | null {
  const compound = COMPOUND_SURNAMES.find((s) => text.startsWith(s, at));
  const surname = compound ?? text.charAt(at);
  if (!compound && !SURNAMES.has(surname)) return null;
  const given: string[] = [];
  for (let i = at + surname.length; given.length < 2 && i < text.length; i++) {
    const c = text.charAt(i);
    if (!HAN.test(c) && !MASK_CHARS.test(c)) break;
    // A second given character that is itself the start of the next word ends the name.
    if (given.length === 1 && NAME_BOUNDARY.has(c)) break;
    given.push(c);
  }
  if (given.length === 0) return null;
  const name = surname + given.join('');
  if (!isMasked(name) && NOT_GIVEN_NAME_START.has(given[0] ?? '')) return null;
  if (NOT_NAME_PREFIXES.some((p) => name.startsWith(p))) return null;
  // 王某某 reads as one masked name whatever its length.
  if (isMasked(name)) {
    let end = at + surname.length;
    while (end < text.length && MASK_CHARS.test(text.charAt(end))) end++;
    return text.slice(at, end);
  }
  return name;
}

function maskPeopleAfterCues(text: string, found?: MaskHit[]): string {
  const cue = new RegExp(`(?:${PERSON_CUES.map(escapeRegExp).join('|')})[\\s\\u3000:：]*`, 'g');
  let out = '';
  let copied = 0;
  for (const m of text.matchAll(cue)) {
    let at = m.index + m[0].length;
    if (at < copied) continue;
    const cueWord = m[0].replace(/[\s\u3000:：]+$/, '');
    const falseStart = CUE_FALSE_STARTS[cueWord];
    const before = text.charAt(m.index - 1);
    if (falseStart && before && falseStart.includes(before)) continue;
    // 村民王五、李四和赵六: one cue introduces a list of names.
    for (;;) {
      const name = readPersonName(text, at);
      if (!name) break;
      const end = at + name.length;
      if (startsPlaceName(text, end)) break;
      if (!isMasked(name)) {
        const masked = maskPerson(name);
        found?.push({ kind: 'person', original: name, masked });
        out += text.slice(copied, at) + masked;
        copied = end;
      }
      const sep = /^(?:[、，,]|和|与|及)/.exec(text.slice(end));
      if (!sep) break;
      at = end + sep[0].length;
    }
  }
  return out + text.slice(copied);
}

/** Holds spans that must not change (listed organisations) behind private-use placeholders. */
function protect(text: string, names: readonly string[]): { text: string; restore: (t: string) => string } {
  const kept: string[] = [];
  const hold = (span: string): string => {
    kept.push(span);
    return `\uE000${kept.length - 1}\uE001`;
  };
  let result = text;
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const pattern = looseNamePattern(name);
    if (pattern) result = result.replace(pattern, hold);
  }
  return {
    text: result,
    restore: (t) => t.replace(/\uE000(\d+)\uE001/g, (_, i: string) => kept[Number(i)] ?? ''),
  };
}

/**
 * A business masked in the text may have been given a short name for the rest of it
 * (某公司（以下简称“恒通”）); the short name is as identifying as the full one, so every use of it
 * becomes the masked form too.
 */
function maskShortNames(text: string, hits?: MaskHit[]): string {
  const kinds = [...new Set(COMPANY_SUFFIXES.map(([, kind]) => kind))].sort((a, b) => b.length - a.length);
  const masked = new RegExp(`某(?:${kinds.map(escapeRegExp).join('|')})`, 'g');
  const definition = /(?:以下)?简称[“"「『]([^”"」』，。；、\s]{1,12})[”"」』]/g;
  let result = text;
  for (const m of text.matchAll(definition)) {
    const shortName = m[1]!;
    // 简称“公司” names nothing; a masked short name is already done.
    if (MASK_CHARS.test(shortName) || [...shortName].length < 2 || kinds.includes(shortName)) continue;
    const before = [...text.slice(Math.max(0, m.index - 40), m.index).matchAll(masked)].pop();
    if (!before) continue;
    result = result.replace(new RegExp(escapeRegExp(shortName), 'g'), (found: string, offset: number, whole: string) => {
      // 马跑泉 the company, not 马跑泉村 the village.
      if (startsPlaceName(whole, offset + found.length)) return found;
      hits?.push({ kind: 'company', original: found, masked: before[0] });
      return before[0];
    });
  }
  return result;
}

function maskOnce(text: string, parties: ReadonlyArray<{ name: string; kind: PartyKind }>, found?: MaskHit[]): string {
  const organisations = parties.filter((p) => p.kind === 'organisation').map((p) => p.name);
  // Numbers first: a public body's name never holds a phone number, and a held name hides none.
  const { text: held, restore } = protect(maskContacts(text, found), organisations);
  let result = held;
  // Longest names first, so 山西恒通农业开发有限公司 is replaced before a shorter party inside it.
  const listed = parties.filter((p) => p.kind !== 'organisation').sort((a, b) => normalise(b.name).length - normalise(a.name).length);
  for (const party of listed) {
    const name = normalise(party.name);
    const masked = maskParty(party.name, party.kind);
    // A one-character name (王) or a bare kind word (砖厂) would match inside masked forms and
    // everyday words; such parties are masked only where they are the party field itself.
    if ([...name].length < 2 || masked.includes(name)) continue;
    const pattern = looseNamePattern(name);
    if (!pattern) continue;
    result = result.replace(pattern, (match: string, offset: number, whole: string) => {
      if (party.kind === 'person' && startsPlaceName(whole, offset + match.length)) return match;
      found?.push({ kind: party.kind === 'person' ? 'person' : 'company', original: match, masked });
      return masked;
    });
  }
  // Bare given names (建国 of 王建国) are not replaced: they are everyday words (建国以来, 小明显…).
  result = maskCompaniesInText(result, found);
  result = maskShortNames(result, found);
  result = maskPeopleAfterCues(result, found);
  return restore(result);
}

/**
 * The public form of free text: listed parties masked wherever they appear, then other personal
 * names after cue words (村民, 当事人, 法定代表人…) and business names ending in a legal or trade
 * suffix. Place names, titles and public bodies stay. Idempotent.
 */
export function maskText(text: string, parties: ReadonlyArray<{ name: string; kind: PartyKind }>): string {
  return maskTextReport(text, parties).text;
}

/** maskText, with the list of what it masked (each original once) for the drafter and approver. */
export function maskTextReport(text: string, parties: ReadonlyArray<{ name: string; kind: PartyKind }>): { text: string; found: MaskHit[] } {
  // One pass is idempotent in practice; repeating until nothing changes makes it so by
  // construction, which matters because a saved notice is re-masked on every edit.
  const found: MaskHit[] = [];
  let current = text;
  for (let i = 0; i < 4; i++) {
    const next = maskOnce(current, parties, found);
    if (next === current) break;
    current = next;
  }
  return { text: current, found: uniqueHits(found) };
}

/** Each original once, in the order first found; a hit that changed nothing is no hit. */
export function uniqueHits(hits: readonly MaskHit[]): MaskHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => h.original !== h.masked && !seen.has(h.original) && seen.add(h.original));
}
