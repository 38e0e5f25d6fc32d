import { describe, expect, it } from 'vitest';
import { parseCaseFilter } from '../../src/domain/notices/case-filter.ts';

const parse = (q: string) => parseCaseFilter(new URLSearchParams(q));

describe('case list filter', () => {
  it('accepts known townships and problem classes', () => {
    expect(parse('township=xishe&class=house&page=2')).toEqual({ township: 'xishe', class: 'house', page: 2 });
  });

  it('drops unknown values instead of failing, so old links keep working', () => {
    expect(parse("township=nowhere&class=<script>&page=-3")).toEqual({ township: undefined, class: undefined, page: 1 });
  });

  it('defaults to the first page', () => {
    expect(parse('')).toEqual({ township: undefined, class: undefined, page: 1 });
    expect(parse('page=abc').page).toBe(1);
    expect(parse('page=99999999').page).toBe(1);
  });
});
