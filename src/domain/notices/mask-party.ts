/**
 * The public form of one party's name in a case notice: a person by surname only (王某, 欧阳某), a
 * business by its kind only (某公司, 某砖厂); public bodies keep their names.
 */
import { COMPANY_SUFFIXES, COMPOUND_SURNAMES, HAN } from './masking-words.ts';

export type PartyKind = 'person' | 'company' | 'organisation';

export function normalise(text: string): string {
  // NFKC folds full-width letters, digits and brackets; names never carry inner spaces.
  return text.normalize('NFKC').replace(/[\s\u3000]+/g, '');
}

function surnameOf(name: string): string {
  const compound = COMPOUND_SURNAMES.find((s) => name.startsWith(s));
  // A two-character name starting with a compound surname is a single surname plus given name
  // (东方 could be 东 + 方); a longer one keeps the compound surname whole.
  if (compound && name.length >= 3) return compound;
  return name.slice(0, 1);
}

export function maskPerson(raw: string): string {
  const name = normalise(raw);
  if (!name || name.startsWith('某')) return '某人';
  // Minority names written with a middle dot (买买提·艾力): readers know them by the first part.
  const first = name.split(/[·•・.]/)[0] ?? name;
  if (!HAN.test(first.charAt(0))) return '某人';
  return `${surnameOf(first)}某`;
}

function stripTrailingBrackets(name: string): string {
  // （有限合伙）, (稷山分公司): a trailing remark is not the kind word.
  return name.replace(/\([^()]*\)$/, '');
}

function companyKind(name: string): string | null {
  for (const candidate of [name, stripTrailingBrackets(name)]) {
    const hit = COMPANY_SUFFIXES.find(([suffix]) => candidate.endsWith(suffix));
    if (hit) return hit[1];
  }
  return null;
}

export function maskCompany(raw: string): string {
  const kind = companyKind(normalise(raw));
  return kind ? `某${kind}` : '某单位';
}

/** The public form of a party's name: 王某, 欧阳某, 某公司, 某砖厂; organisations as given. */
export function maskParty(name: string, kind: PartyKind): string {
  if (kind === 'person') return maskPerson(name);
  if (kind === 'company') return maskCompany(name);
  return name;
}
