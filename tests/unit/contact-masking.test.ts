import { describe, expect, it } from 'vitest';
import { maskContacts, type MaskHit } from '../../src/domain/notices/contact-masking.ts';
import { maskText, maskTextReport } from '../../src/domain/notices/masking.ts';

/** Text as typed → text as published. Every number that can find a person is masked. */
const MASKED: ReadonlyArray<readonly [kind: MaskHit['kind'], typed: string, published: string]> = [
  ['mobile', '当事人电话13812345678。', '当事人电话138****5678。'],
  ['mobile', '手机：139 1234 5678', '手机：139 **** 5678'],
  ['mobile', '联系人手机 138-1234-5678，', '联系人手机 138-****-5678，'],
  ['mobile', '+86 13512345678', '+86 135****5678'],
  ['mobile', '86-18612345678', '86-186****5678'],
  ['mobile', '电话１３８１２３４５６７８', '电话１３８****５６７８'],
  ['mobile', '举报人称13912345678多次联系无果', '举报人称139****5678多次联系无果'],
  ['landline', '电话0359-5522345。', '电话0359-*******。'],
  ['landline', '（0359）5522345', '（0359）*******'],
  ['landline', '(0359)5522345', '(0359)*******'],
  ['landline', '010-12345678', '010-********'],
  ['landline', '0359 5522345', '0359 *******'],
  ['landline', '03595522345', '0359*******'],
  ['landline', '联系电话：5522345', '联系电话：*******'],
  ['landline', '座机552-2345', '座机***-****'],
  ['id', '身份证号140824198001011234', '身份证号1408**************'],
  ['id', '身份证142701199912315678，', '身份证1427**************，'],
  ['id', '身份证号码14082419800101123X', '身份证号码1408**************'],
  ['id', '号码14082419800101123x。', '号码1408**************。'],
  ['id', '老身份证140824800101123', '老身份证1408***********'],
  ['bank', '罚款请汇入6222021234567890123', '罚款请汇入6222***********0123'],
  ['bank', '账号6222 0212 3456 7890', '账号6222 **** **** 7890'],
  ['bank', '卡号6217-0000-1234-5678-901', '卡号6217-****-****-***8-901'],
  ['bank', '6228481234567890', '6228********7890'],
  ['plate', '车牌晋M·12345的挖掘机', '车牌晋M·*****的挖掘机'],
  ['plate', '晋M12345', '晋M*****'],
  ['plate', '运输车辆晋MD12345被扣押', '运输车辆晋M******被扣押'],
  ['plate', '豫A·B1234', '豫A·*****'],
  ['plate', '晋Ｍ·１２３４５', '晋Ｍ·*****'],
];

/** Text a notice is made of, which must be published exactly as typed. */
const KEPT: readonly string[] = [
  '2023年6月1日立案',
  '2023-06-01 下达责令改正通知书',
  '2023.06.01',
  '20230601',
  '2018—2021年度卫片执法',
  '2018-2021年',
  '占用耕地0.60亩',
  '耕地保有量不低于20 647亩',
  '永久基本农田19910亩',
  '1117.59亩，其中耕地26.51亩',
  '根据晋政办发〔2022〕45号文件',
  '国办发明电〔2020〕24号',
  '稷政发〔2023〕12号',
  '图斑编号140824202201001',
  '图斑编号：1408242022010015',
  '宗号 JS-2022-0017',
  '地块编号140824202301012345',
  '举报电话12336',
  '罚款126000元',
  '拆除建筑面积1350平方米',
  '统一社会信用代码91140824MA0K1234XY',
  '共166个图斑',
  '晋政发',
  '第3批次57宗',
  '北纬35.6°，东经110.9°',
  '2022年度57个图斑、366.76亩',
  '联系电话12336',
];

describe('masking contact and identity numbers in published text', () => {
  it('has a table of at least 30 cases on both sides', () => {
    expect(MASKED.length).toBeGreaterThanOrEqual(29);
    expect(MASKED.length + KEPT.length).toBeGreaterThanOrEqual(50);
  });

  for (const [kind, typed, published] of MASKED) {
    it(`masks the ${kind} in “${typed}”`, () => {
      const found: MaskHit[] = [];
      expect(maskContacts(typed, found)).toBe(published);
      expect(found.map((h) => h.kind)).toEqual([kind]);
      expect(maskContacts(published)).toBe(published);
    });
  }

  for (const text of KEPT) {
    it(`keeps “${text}” untouched`, () => {
      expect(maskContacts(text)).toBe(text);
      expect(maskText(text, [])).toBe(text);
    });
  }

  it('masks numbers and names in one pass over notice text, and reports each of them once', () => {
    const body = '村民王建国（电话13812345678，身份证号140824198001011234）驾驶晋M·12345运土，王建国再次拨打13812345678。';
    const { text, found } = maskTextReport(body, [{ name: '王建国', kind: 'person' }]);
    expect(text).toBe('村民王某（电话138****5678，身份证号1408**************）驾驶晋M·*****运土，王某再次拨打138****5678。');
    expect(found.map((h) => [h.kind, h.original, h.masked])).toEqual([
      ['id', '140824198001011234', '1408**************'],
      ['mobile', '13812345678', '138****5678'],
      ['plate', '晋M·12345', '晋M·*****'],
      ['person', '王建国', '王某'],
    ]);
    expect(maskText(text, [{ name: '王建国', kind: 'person' }])).toBe(text);
  });
});
