import { describe, expect, it } from 'vitest';
import { maskParty, type PartyKind } from '../../src/domain/notices/mask-party.ts';
import { maskText } from '../../src/domain/notices/masking.ts';

const NAMES: ReadonlyArray<readonly [name: string, kind: PartyKind, masked: string]> = [
  // people: single surnames, 2/3/4 characters
  ['王小明', 'person', '王某'],
  ['李四', 'person', '李某'],
  ['张建国', 'person', '张某'],
  ['刘德华', 'person', '刘某'],
  ['陈', 'person', '陈某'],
  ['赵钱孙李', 'person', '赵某'],
  ['闫瑞峰', 'person', '闫某'],
  ['翟红梅', 'person', '翟某'],
  // compound surnames
  ['欧阳娜娜', 'person', '欧阳某'],
  ['欧阳修', 'person', '欧阳某'],
  ['司马光', 'person', '司马某'],
  ['诸葛亮', 'person', '诸葛某'],
  ['上官婉儿', 'person', '上官某'],
  ['东方明', 'person', '东方某'],
  ['皇甫嵩', 'person', '皇甫某'],
  ['令狐冲', 'person', '令狐某'],
  ['慕容复', 'person', '慕容某'],
  ['尉迟恭', 'person', '尉迟某'],
  // a two-character name that merely starts like a compound surname
  ['东方', 'person', '东某'],
  // already masked, in the forms people type
  ['王某', 'person', '王某'],
  ['王某某', 'person', '王某'],
  ['欧阳某某', 'person', '欧阳某'],
  ['王XX', 'person', '王某'],
  ['李××', 'person', '李某'],
  // spaces, full-width spaces, minority names
  ['王 小明', 'person', '王某'],
  ['王\u3000建国 ', 'person', '王某'],
  [' 司马 光', 'person', '司马某'],
  ['买买提·艾力', 'person', '买某'],
  ['', 'person', '某人'],
  ['John Smith', 'person', '某人'],
  // companies
  ['山西某某农业有限公司', 'company', '某公司'],
  ['山西恒通农业开发有限公司', 'company', '某公司'],
  ['稷山县恒通建材有限责任公司', 'company', '某公司'],
  ['运城恒丰股份有限公司', 'company', '某公司'],
  ['山西恒通农业开发有限公司（稷山分公司）', 'company', '某公司'],
  ['山西恒通农业开发有限公司稷山分公司', 'company', '某公司'],
  ['稷山县恒通砖厂', 'company', '某砖厂'],
  ['稷山县西社镇红星机砖厂', 'company', '某机砖厂'],
  ['稷山县华丰面粉加工厂', 'company', '某加工厂'],
  ['稷山县东风厂', 'company', '某厂'],
  ['稷山县绿源果蔬种植专业合作社', 'company', '某合作社'],
  ['稷山县丰收农机农民专业合作社', 'company', '某合作社'],
  ['稷山县旺旺养殖场', 'company', '某养殖场'],
  ['稷山县王家家庭农场', 'company', '某家庭农场'],
  ['稷山县青山生态园', 'company', '某生态园'],
  ['稷山县好运来超市', 'company', '某超市'],
  ['稷山县鑫源加油站', 'company', '某加油站'],
  ['稷山 县 恒通 砖厂', 'company', '某砖厂'],
  ['某某企业管理中心（有限合伙）', 'company', '某中心'],
  ['ACME', 'company', '某单位'],
  ['某公司', 'company', '某公司'],
  // organisations are public bodies and keep their names
  ['马跑泉村村民委员会', 'organisation', '马跑泉村村民委员会'],
  ['某村村民委员会', 'organisation', '某村村民委员会'],
  ['稷山县西社镇人民政府', 'organisation', '稷山县西社镇人民政府'],
  ['稷山县自然资源局', 'organisation', '稷山县自然资源局'],
  ['稷山县西社镇中心学校', 'organisation', '稷山县西社镇中心学校'],
];

describe('maskParty', () => {
  it.each(NAMES)('masks %s (%s) as %s', (name, kind, masked) => {
    expect(maskParty(name, kind)).toBe(masked);
  });

  it('covers at least thirty names across every kind', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(NAMES.map(([, kind]) => kind))).toEqual(new Set(['person', 'company', 'organisation']));
  });

  it('gives the same result when applied to its own output', () => {
    for (const [name, kind] of NAMES) {
      const once = maskParty(name, kind);
      expect(maskParty(once, kind), name).toBe(kind === 'person' && once === '某人' ? '某人' : once);
    }
  });
});

describe('maskText with listed parties', () => {
  it('replaces every occurrence of a listed person with the masked name', () => {
    const text = '王建国在承包地上建房，王建国称不知道政策。执法人员责令王建国拆除。';
    expect(maskText(text, [{ name: '王建国', kind: 'person' }])).toBe('王某在承包地上建房，王某称不知道政策。执法人员责令王某拆除。');
  });

  it('replaces a listed company wherever it appears, with punctuation around it', () => {
    const text = '“山西恒通农业开发有限公司”（以下简称恒通公司）在西社镇建设厂房；山西恒通农业开发有限公司已被立案。';
    expect(maskText(text, [{ name: '山西恒通农业开发有限公司', kind: 'company' }])).toBe(
      '“某公司”（以下简称某公司）在西社镇建设厂房；某公司已被立案。',
    );
  });

  it('finds a listed name typed with spaces or with half-width brackets in the text', () => {
    expect(maskText('经查，王 建国擅自建房。', [{ name: '王建国', kind: 'person' }])).toBe('经查，王某擅自建房。');
    expect(maskText('恒通农业(稷山)有限公司占用耕地', [{ name: '恒通农业（稷山）有限公司', kind: 'company' }])).toBe('某公司占用耕地');
  });

  it('does not touch the given name on its own, because it is often an ordinary word', () => {
    expect(maskText('建国以来，王建国一家一直务农。', [{ name: '王建国', kind: 'person' }])).toBe('建国以来，王某一家一直务农。');
  });

  it('leaves a place name intact when a listed name is also the start of that place', () => {
    const parties = [{ name: '南阳', kind: 'person' as const }];
    expect(maskText('南阳村村民南阳在承包地上建房，南阳于2023年拆除。', parties)).toBe('南阳村村民南某在承包地上建房，南某于2023年拆除。');
    expect(maskText('马跑在马跑泉村北侧挖土', [{ name: '马跑', kind: 'person' }])).toBe('马某在马跑泉村北侧挖土');
  });

  it('keeps listed organisations unchanged even when they look like a business', () => {
    const parties = [
      { name: '马跑泉村村民委员会', kind: 'organisation' as const },
      { name: '稷山县西社镇农业服务中心', kind: 'organisation' as const },
    ];
    const text = '马跑泉村村民委员会和稷山县西社镇农业服务中心负责监督整改。';
    expect(maskText(text, parties)).toBe(text);
  });

  it('does not search text for a one-character name or a bare kind word, which would corrupt other words', () => {
    const text = '王某在王家庄种地，王某某已拆除';
    expect(maskText(text, [{ name: '王', kind: 'person' }])).toBe(text);
    expect(maskText('某砖厂占地', [{ name: '砖厂', kind: 'company' }])).toBe('某砖厂占地');
  });

  it('masks the party in a title and its body alike', () => {
    const parties = [{ name: '稷山县恒通砖厂', kind: 'company' as const }];
    expect(maskText('稷山县恒通砖厂非法占用耕地案', parties)).toBe('某砖厂非法占用耕地案');
  });
});

describe('maskText heuristics for names nobody listed', () => {
  it('masks a villager named after a cue word', () => {
    expect(maskText('村民王建国在自家承包地上建房', [])).toBe('村民王某在自家承包地上建房');
  });

  it('masks a company and leaves its already masked legal representative alone', () => {
    expect(maskText('山西恒通农业开发有限公司法定代表人李某某', [])).toBe('某公司法定代表人李某某');
  });

  it('masks a legal representative named in full after a colon', () => {
    expect(maskText('经查，山西恒通农业开发有限公司（法定代表人：李小龙）擅自占用耕地。', [])).toBe(
      '经查，某公司（法定代表人：李某）擅自占用耕地。',
    );
  });

  it('masks two-character names and a list of names after one cue', () => {
    expect(maskText('村民王五、李四和赵六在地里挖土', [])).toBe('村民王某、李某和赵某在地里挖土');
    expect(maskText('当事人张三擅自建房', [])).toBe('当事人张某擅自建房');
  });

  it('masks names after each cue word of the notice format', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['农户刘德明种植苗木', '农户刘某种植苗木'],
      ['居民孙丽在院外搭建彩钢房', '居民孙某在院外搭建彩钢房'],
      ['该厂负责人周国强称已停产', '该厂负责人周某称已停产'],
      ['承包户马红旗将耕地硬化', '承包户马某将耕地硬化'],
      ['业主杨帆未经批准建设', '业主杨某未经批准建设'],
      ['个体户吴明亮租用耕地堆放砂石', '个体户吴某租用耕地堆放砂石'],
      ['老板郑大勇拒不整改', '老板郑某拒不整改'],
      ['经营者何小平于2021年开始经营', '经营者何某于2021年开始经营'],
      ['承包户欧阳明辉在田里建房', '承包户欧阳某在田里建房'],
    ];
    for (const [text, masked] of cases) expect(maskText(text, []), text).toBe(masked);
  });

  it('masks trade names ending in 有限公司, 合作社, 砖厂 and similar', () => {
    expect(maskText('群众反映在村东头的恒通砖厂非法取土', [])).toBe('群众反映在村东头的某砖厂非法取土');
    expect(maskText('土地流转给稷山县绿源种植专业合作社', [])).toBe('土地流转给某合作社');
    expect(maskText('村民王某某与恒通公司签订协议', [])).toBe('村民王某某与某公司签订协议');
    expect(maskText('山西恒通农业开发有限公司与稷山县华丰砖厂签订租地协议', [])).toBe('某公司与某砖厂签订租地协议');
  });

  it('masks the short name a notice gives a business, wherever it is used', () => {
    expect(maskText('山西恒通农业开发有限公司（以下简称“恒通”）在马跑泉村占地，恒通拒不整改。', [])).toBe(
      '某公司（以下简称“某公司”）在马跑泉村占地，某公司拒不整改。',
    );
    expect(maskText('马跑泉农业有限公司（以下简称“马跑泉”）在马跑泉村占地', [])).toBe('某公司（以下简称“某公司”）在马跑泉村占地');
  });

  it('masks the heads of private businesses named after their title', () => {
    expect(maskText('稷山县绿源种植专业合作社理事长刘红军将耕地挖塘养鱼', [])).toBe('某合作社理事长刘某将耕地挖塘养鱼');
    expect(maskText('该砖厂厂长孙大伟组织取土', [])).toBe('该砖厂厂长孙某组织取土');
  });

  it('keeps the township and village in front of a trade name', () => {
    expect(maskText('西社镇马跑泉村恒通砖厂占用耕地12.18亩', [])).toBe('西社镇马跑泉村某砖厂占用耕地12.18亩');
  });

  it('does not mask public cooperatives, pronouns or generic words', () => {
    for (const text of [
      '马跑泉村股份经济合作社负责复垦',
      '县供销合作社在此设收购点',
      '该公司已拆除厂房，公司负责人表示配合',
      '子公司和母公司均未取得用地手续',
      '在果园里建房',
    ]) {
      expect(maskText(text, []), text).toBe(text);
    }
  });

  it('never treats ordinary words after a cue as a name', () => {
    for (const text of [
      '村民代表反映，村民们向有关部门举报',
      '村民委员会召开会议',
      '当事人曾多次拒绝整改',
      '村民于今年拆除违建',
      '物业主管王建国',
      '业主方已整改',
      '当事人对处罚无异议',
    ]) {
      expect(maskText(text, []), text).toBe(text);
    }
  });

  it('leaves place names, official titles and already masked names untouched', () => {
    const text = '稷山县西社镇马跑泉村党支部书记王某某、村委会主任李某未及时制止，村民张某在马跑泉村建房。';
    expect(maskText(text, [])).toBe(text);
  });
});

describe('maskText idempotency', () => {
  const samples: ReadonlyArray<readonly [string, ReadonlyArray<{ name: string; kind: PartyKind }>]> = [
    ['村民王建国在自家承包地上建房', []],
    ['经查，山西恒通农业开发有限公司法定代表人李小龙擅自占用耕地。', []],
    ['村民王建国承包给稷山县恒通砖厂取土，王建国获利2万元。', [{ name: '王建国', kind: 'person' }]],
    ['南阳村村民南阳在承包地上建房', [{ name: '南阳', kind: 'person' }]],
    ['山西恒通农业开发有限公司稷山分公司与华丰砖厂', [{ name: '山西恒通农业开发有限公司', kind: 'company' }]],
    ['欧阳娜娜、司马光在西社镇建房', [{ name: '欧阳娜娜', kind: 'person' }, { name: '司马光', kind: 'person' }]],
  ];

  it.each(samples)('masking "%s" twice gives the same text as once', (text, parties) => {
    const once = maskText(text, parties);
    expect(maskText(once, parties)).toBe(once);
  });

  it('returns text without names unchanged', () => {
    const text = '2023年11月30日前完成整改，整改率达到100%。';
    expect(maskText(text, [])).toBe(text);
  });
});
