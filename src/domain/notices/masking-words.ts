/**
 * The words the masking of case notices reads Chinese text by: surnames, the cues before a
 * person's name, the words that end a place or a business name, and the kinds of business that
 * stand in for a masked name (某公司, 某砖厂). Tables only; masking.ts and mask-party.ts use them.
 */
/** Two-character surnames: the surname must be kept whole (欧阳某, not 欧某). */
export const COMPOUND_SURNAMES: readonly string[] = [
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
export const SURNAMES = new Set(
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
export const PERSON_CUES: readonly string[] = [
  '法定代表人', '实际控制人', '实际经营者', '实际使用人', '经营者', '负责人', '当事人', '承包户', '个体户', '建房户',
  '承租人', '使用人', '户主', '村民', '农户', '居民', '业主', '老板',
  // Heads of private businesses; public officials (镇长, 所长…) are not cues.
  '董事长', '总经理', '经理', '理事长', '厂长', '场长', '股东',
];

/** Cue words that are the tail of another word there: 物业主管 is not 业主 + 管某. */
export const CUE_FALSE_STARTS: Readonly<Record<string, string>> = { 业主: '物' };

/** A character that usually starts the word after a name (村民王五在… / 村民王五建房…). */
export const NAME_BOUNDARY = new Set(
  '在于未擅私违非将把对因等的为是系从自以和与及向被已经称说所也都均曾又拒不没无一共先后多年户家们夫妻之父母子女兄弟占建挖租承利用种堆取采开办买卖出转流签投修盖搭涉受现'.split(''),
);

/** First character of a "given name" that is really a function word: 当事人曾于…, 业主方已… */
export const NOT_GIVEN_NAME_START = new Set('已未在于对将把被向从均都也们的了等称系是和与及不没又再还却就即应须要会能以按经无自擅私拒仍多'.split(''));

/** Surname-looking starts that are ordinary words after a cue (村民向有关部门反映, 村民于今年…). */
export const NOT_NAME_PREFIXES: readonly string[] = [
  '党员', '向有', '向村', '向镇', '向乡', '向县', '向市', '向区', '向政', '向其', '向当', '向上', '向相', '向执',
  '向国', '向纪', '向派', '向公', '向法', '向社', '向群', '向自', '于今', '于去', '于前', '于当', '于本', '于同',
  '于次', '于近', '于该', '于此', '于每', '于上', '于下', '安置', '常年', '常住', '方面', '方式', '时常', '时间',
  '田间', '田地', '田里', '石料', '毛坯', '余下', '金额', '房屋', '房子', '车辆', '宫殿',
];

/** Characters that end a sub-county place name (西社镇, 马跑泉村, 城关街道…). */
export const PLACE_END = new Set(['镇', '乡', '村', '街道', '社区']);

/** What a masked mark looks like: 某, and the stand-ins people type (王XX, 王**, 王××). */
export const MASK_CHARS = /[某×xX*＊Ｘｘ]/;

export const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

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

export const COMPANY_SUFFIXES: ReadonlyArray<readonly [suffix: string, kind: string]> = [
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
export const TEXT_COMPANY_SUFFIXES: readonly string[] = [
  '有限责任公司', '股份有限公司', '有限公司', '分公司', '公司', '农民专业合作社', '专业合作社', '股份经济合作社',
  '经济合作社', '合作社', '砖瓦厂', '机砖厂', '砖厂', '加工厂', '预制厂', '石料厂', '砂石厂', '养殖场', '养猪场',
  '养鸡场', '养牛场', '养羊场', '家庭农场', '养殖园', '农家乐',
].sort((a, b) => b.length - a.length);

/**
 * Words that end the text before a business name: the name starts after the last of them
 * (群众反映在村东头的恒通砖厂 → 恒通). Only words rarely found inside a trade name.
 */
export const INTERIOR_CUTS: readonly string[] = [
  '经查', '据查', '查明', '发现', '简称', '统称', '举报', '反映', '承包给', '租赁给', '出租给', '转租给', '转让给', '卖给', '交给',
  '委托', '其中', '以及', '包括', '位于', '属于', '的', '在', '由', '被', '将', '把', '给', '与', '对', '是', '系',
  '某和', '某及', '某同', '某跟', '某向', '某为',
];

/** Words stripped from the front of a candidate business name (该公司, 这家砖厂, 上述合作社). */
export const LEADING_STRIP: readonly string[] = [
  '这家', '那家', '一家', '两家', '多家', '该处', '本地', '当地', '自家', '涉事', '相关', '上述', '以上', '由于',
  '和', '及', '同', '跟', '向', '该', '其', '原', '现', '为', '与', '的', '在', '由', '对',
];
