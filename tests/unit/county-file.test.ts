import { describe, expect, it } from 'vitest';
import countyJson from '../../src/config/county.json' with { type: 'json' };
import { parseCountyFile } from '../../src/config/county-file.ts';
import { jurisdiction } from '../../src/config/jurisdiction.ts';

/** A fresh, editable copy of the shipped file, as a county would start from it. */
function shippedCopy(): Record<string, any> {
  return structuredClone(countyJson) as Record<string, any>;
}

function refusalOf(raw: unknown): string {
  try {
    parseCountyFile(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('the county file', () => {
  it('ships the demo county, checked, as the portal reads it', () => {
    const county = parseCountyFile(countyJson);
    expect(county.countyName).toBe('稷山县');
    expect(county.townships.map((t) => t.code)).toEqual(['jifeng', 'huayu', 'taiyang', 'zhaidian', 'qinghe', 'xishe', 'caicun']);
    expect(jurisdiction.townships).toEqual(county.townships);
    expect(jurisdiction.deadlines).toEqual({ decide: 3, verify: 10, handle: 30, reply: 5 });
  });

  it('adds the map tiles and the demo flag from the environment, not from the file', () => {
    expect(jurisdiction.map.tiles.urlTemplates.length).toBeGreaterThan(0);
    expect(jurisdiction.map.boundary).toEqual(countyJson.map.boundary);
    expect(typeof jurisdiction.demo).toBe('boolean');
  });

  it('names the faulty field by its path, in Chinese, when a coordinate pair is swapped', () => {
    const raw = shippedCopy();
    raw.townships[2].lngLat = [35.555, 110.99];
    const message = refusalOf(raw);
    expect(message).toContain('src/config/county.json');
    expect(message).toContain('townships.2.lngLat.0：经度应在 73 到 136 之间（中国境内）');
    expect(message).toContain('townships.2.lngLat.1：纬度应在 3 到 54 之间（中国境内）');
  });

  it('refuses two townships with the same code, since reports store the code', () => {
    const raw = shippedCopy();
    raw.townships[1].code = raw.townships[0].code;
    expect(refusalOf(raw)).toContain('townships：乡镇代码不能重复');
  });

  it('refuses a misspelt field rather than ignoring it', () => {
    const raw = shippedCopy();
    raw.deadlines.verfy = raw.deadlines.verify;
    delete raw.deadlines.verify;
    const message = refusalOf(raw);
    expect(message).toContain('deadlines.verify：缺少这一项');
    expect(message).toContain('deadlines：不认识的字段 verfy，是否拼错了？');
  });

  it('lists every problem at once, so one edit fixes them all', () => {
    const raw = shippedCopy();
    raw.countyName = ' ';
    raw.townships[0].code = '稷峰';
    raw.deadlines.reply = 0;
    const lines = refusalOf(raw).split('\n').slice(1);
    expect(lines).toEqual([
      '  countyName：不能为空',
      '  townships.0.code：乡镇代码只用小写英文字母、数字和连字符，以字母开头',
      '  deadlines.reply：至少 1 个工作日',
    ]);
  });
});
