/**
 * Masking parties in public case notices (典型案例通报). The Ministry's notices name a person by
 * surname only (王某) and a business by its kind only (某公司, 某砖厂); public bodies keep their
 * names. Staff list the parties they know; heuristics catch the other names a drafter typed into
 * the body. Heuristics cannot be perfect in Chinese text (no word boundaries), so they lean to
 * masking a little too much around a business name rather than leaking it, and the drafter always
 * reviews the preview before a second person approves.
 */

import { maskContacts, type MaskHit } from './contact-masking.ts';

export type PartyKind = 'person' | 'company' | 'organisation';
export type { MaskHit } from './contact-masking.ts';

/** Two-character surnames: the surname must be kept whole (欧阳某, not 欧某). */
const COMPOUND_SURNAMES: readonly string[] = [
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '令狐', '夏侯', '尉迟', '公孙', '慕容', '长孙', '宇文',
  '司徒', '端木', '西门', '独孤', '南宫', '万俟', '闻人', '轩辕', '澹台', '公冶', '太史', '申屠', '呼延',
  '百里', '东郭', '钟离', '宗政', '濮阳', '淳于', '单于', '赫连', '拓跋', '司空', '第五', '仲孙', '羊舌',
  '梁丘', '左丘', '东门', '谷梁', '乐正', '公羊', '鲜于', '巫马', '段干', '子车', '颛孙',
];

/**
 * Common single surnames, used only to recognise a name after a cue word (村民王建国). Characters
 * that are far more often ordinary words in that position (和, 代, 家, 区, 应, 都, 原, 全, 相, 干…)
 * are left out on purpose: leaving a rare surname unmasked is the lesser risk than turning
 * 村民代表 into 代某.
 */
const SURNAMES = new Set(
  (
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈' +
    '姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴' +
    '莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪' +
    '梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简' +
    '车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞' +
    '敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝郜海阚花权' +
    '强帅屠豆朴盖练廉禹井祖漆巴丰支卿狄平计索宣晋芮扈晁浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜印逯隆茹诸' +
    '战慕危玉银亢嵇湛宾戎勾茅於呼揭尉冶斯元束檀衣展阴昝智幸奉植衡富尧闭'
  ).split(''),
);

/** Words after which the next two to four characters are very likely a private person's name. */
const PERSON_CUES: readonly string[] = [
  '法定代表人', '实际控制人', '实际经营者', '实际使用人', '经营者', '负责人', '当事人', '承包户', '个体户', '建房户',
  '承租人', '使用人', '户主', '村民', '农户', '居民', '业主', '老板',
  // Heads of private businesses; public officials (镇长, 所长…) are not cues.
  '董事长', '总经理', '经理', '理事长', '厂长', '场长', '股东',
];

/** Cue words that are the tail of another word there: 物业主管 is not 业主 + 管某. */
const CUE_FALSE_STARTS: Readonly<Record<string, string>> = { 业主: '物' };

/** A character that usually starts the word after a name (村民王五在… / 村民王五建房…). */
const NAME_BOUNDARY = new Set(
  '在于未擅私违非将把对因等的为是系从自以和与及向被已经称说所也都均曾又拒不没无一共先后多年户家们夫妻之父母子女兄弟占建挖租承利用种堆取采开办买卖出转流签投修盖搭涉受现'.split(''),
);

/** First character of a "given name" that is really a function word: 当事人曾于…, 业主方已… */
const NOT_GIVEN_NAME_START = new Set('已未在于对将把被向从均都也们的了等称系是和与及不没又再还却就即应须要会能以按经无自擅私拒仍多'.split(''));

/** Surname-looking starts that are ordinary words after a cue (村民向有关部门反映, 村民于今年…). */
const NOT_NAME_PREFIXES: readonly string[] = [
  '党员', '向有', '向村', '向镇', '向乡', '向县', '向市', '向区', '向政', '向其', '向当', '向上', '向相', '向执',
  '向国', '向纪', '向派', '向公', '向法', '向社', '向群', '向自', '于今', '于去', '于前', '于当', '于本', '于同',
  '于次', '于近', '于该', '于此', '于每', '于上', '于下', '安置', '常年', '常住', '方面', '方式', '时常', '时间',
  '田间', '田地', '田里', '石料', '毛坯', '余下', '金额', '房屋', '房子', '车辆', '宫殿',
];

/** Characters that end a sub-county place name (西社镇, 马跑泉村, 城关街道…). */
const PLACE_END = new Set(['镇', '乡', '村', '街道', '社区']);

/** What a masked mark looks like: 某, and the stand-ins people type (王XX, 王**, 王××). */
const MASK_CHARS = /[某×xX*＊Ｘｘ]/;

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/**
 * Legal-form suffixes reduce to the kind a reader understands (有限公司 → 公司); trade words are
 * kept as they are (砖厂, 养殖场). Longest match wins, so the list is sorted by length below.
 */
const LEGAL_FORMS: ReadonlyArray<readonly [suffix: string, kind: string]> = [
  ['有限责任公司', '公司'], ['股份有限公司', '公司'], ['集团有限公司', '公司'], ['有限公司', '公司'], ['分公司', '公司'],
  ['总公司', '公司'], ['公司', '公司'], ['集团', '集团'], ['合伙企业', '企业'], ['企业', '企业'],
  ['农民专业合作社', '合作社'], ['专业合作社', '合作社'], ['股份经济合作社', '合作社'], ['经济合作社', '合作社'],
  ['合作联社', '合作社'], ['联合社', '合作社'], ['合作社', '合作社'],
];

const COMPANY_SUFFIXES: ReadonlyArray<readonly [suffix: string, kind: string]> = [
  ...LEGAL_FORMS,
  ...[
    '砖瓦厂', '机砖厂', '砖厂', '加工厂', '预制厂', '石料厂', '砂石厂', '水泥厂', '面粉厂', '饲料厂', '化工厂',
    '家具厂', '木器厂', '塑料厂', '包装厂', '纸箱厂', '铸造厂', '机械厂', '洗煤厂', '厂',
    '养殖场', '养猪场', '养鸡场', '养牛场', '养羊场', '种植场', '家庭农场', '农场', '林场', '采砂场', '砂石场',
    '石料场', '停车场', '洗车场', '场',
    '养殖园', '生态园', '采摘园', '庄园', '果园', '苗圃', '园',
    '农家乐', '度假村', '山庄', '酒店', '宾馆', '饭店', '餐馆', '超市', '商店', '门市部', '经营部', '商行', '店',
    '加油站', '收购站', '站', '中心', '工作室', '事务所',
  ].map((s): readonly [string, string] => [s, s]),
].sort((a, b) => b[0].length - a[0].length);

/**
 * The suffixes that mark a business name inside running text. Generic words (厂, 场, 园, 店)
 * are left out: 厂房, 场地, 果园 are everyday words in these notices.
 */
const TEXT_COMPANY_SUFFIXES: readonly string[] = [
  '有限责任公司', '股份有限公司', '有限公司', '分公司', '公司', '农民专业合作社', '专业合作社', '股份经济合作社',
  '经济合作社', '合作社', '砖瓦厂', '机砖厂', '砖厂', '加工厂', '预制厂', '石料厂', '砂石厂', '养殖场', '养猪场',
  '养鸡场', '养牛场', '养羊场', '家庭农场', '养殖园', '农家乐',
].sort((a, b) => b.length - a.length);

/**
 * Words that end the text before a business name: the name starts after the last of them
 * (群众反映在村东头的恒通砖厂 → 恒通). Only words rarely found inside a trade name.
 */
const INTERIOR_CUTS: readonly string[] = [
  '经查', '据查', '查明', '发现', '简称', '统称', '举报', '反映', '承包给', '租赁给', '出租给', '转租给', '转让给', '卖给', '交给',
  '委托', '其中', '以及', '包括', '位于', '属于', '的', '在', '由', '被', '将', '把', '给', '与', '对', '是', '系',
  '某和', '某及', '某同', '某跟', '某向', '某为',
];

/** Words stripped from the front of a candidate business name (该公司, 这家砖厂, 上述合作社). */
const LEADING_STRIP: readonly string[] = [
  '这家', '那家', '一家', '两家', '多家', '该处', '本地', '当地', '自家', '涉事', '相关', '上述', '以上', '由于',
  '和', '及', '同', '跟', '向', '该', '其', '原', '现', '为', '与', '的', '在', '由', '对',
];

function normalise(text: string): string {
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

function maskPerson(raw: string): string {
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

function maskCompany(raw: string): string {
  const kind = companyKind(normalise(raw));
  return kind ? `某${kind}` : '某单位';
}

/** The public form of a party's name: 王某, 欧阳某, 某公司, 某砖厂; organisations as given. */
export function maskParty(name: string, kind: PartyKind): string {
  if (kind === 'person') return maskPerson(name);
  if (kind === 'company') return maskCompany(name);
  return name;
}

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
