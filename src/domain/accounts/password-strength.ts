/**
 * Whether a staff password is good enough, and if not, why — in words a member of staff can act
 * on. Length alone lets "Password1234" through, so every password is also scored by zxcvbn-ts
 * (an estimator of how many guesses an attacker needs) against its English and common-password
 * dictionaries, a list of passwords common among Chinese users, and the words of this portal and
 * of the person themselves (login, name, county).
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { jurisdiction } from '../../config/jurisdiction.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
/** zxcvbn's score 3: "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_SCORE = 3;

/**
 * Passwords and pieces of them that Chinese users choose far more often than English lists know:
 * pinyin phrases, lucky and love numbers, QQ-era habits. Matched as dictionary words, so
 * "woaini1314520" is recognised as two common pieces rather than 13 random characters.
 */
const CHINESE_COMMON = [
  'woaini', 'woaini1314', 'woaini520', 'woaini1314520', 'aini1314', '5201314', '1314520', '520520', '1314', '520', '521',
  'iloveyou', 'qq123456', 'qq', 'a123456', '123456a', 'aa123456', 'abc123456', 'a123456789', '123456789a', 'zxcvbnm',
  'qwe123', 'qweasd', 'qweasdzxc', '1qaz2wsx', '1q2w3e4r', 'asd123', 'zhang', 'wang', 'li', 'liu', 'chen', 'yang',
  'huang', 'zhao', 'zhou', 'wu', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo', 'he', 'lin', 'luo', 'gao', 'zhongguo',
  'beijing', 'shanxi', 'yuncheng', 'taiyuan', 'nihao', 'mima', 'mima123', 'admin', 'admin123', 'guanliyuan', 'kaixin',
  'xingfu', 'pingan', 'shunli', 'fafa', 'facai', 'bugaosuni', 'buzhidao', 'tiantian', 'xiaoming', 'laogong', 'laopo',
  'baobao', 'baobei', 'qinai', 'zhangsan', 'lisi', 'wangwu', '888888', '666666', '168168', '8888', '6666', '168',
];

/** Words of this portal and this county: an attacker tries them first. */
const PORTAL_WORDS = [
  'gengdi', 'gengdishouhu', 'shouhu', 'gengdibaohu', 'ziranziyuan', 'zrzyj', 'guotu', 'jishan', 'jishanxian', 'xishe',
  'staff', 'gongzuo', 'zhengfu', 'xianzhengfu', 'jubao', '12336', jurisdiction.countyName,
];

const CHINESE_TRANSLATIONS = {
  warnings: {
    straightRow: '键盘上连成一排的按键很容易被猜到。',
    keyPattern: '键盘上的简短图案很容易被猜到。',
    simpleRepeat: '“aaa”这样的重复字符很容易被猜到。',
    extendedRepeat: '“abcabcabc”这样的重复片段很容易被猜到。',
    sequences: '“abc”“123”这样的连续字符很容易被猜到。',
    recentYears: '近些年的年份很容易被猜到。',
    dates: '日期很容易被猜到。',
    topTen: '这是最常用的密码之一。',
    topHundred: '这是很常用的密码。',
    common: '这是常用密码。',
    similarToCommon: '这和常用密码很像。',
    wordByItself: '单个词语很容易被猜到。',
    namesByThemselves: '单独的姓名或姓氏很容易被猜到。',
    commonNames: '常见姓名很容易被猜到。',
    userInputs: '密码里不要有登录名、姓名或本系统、本县的名称。',
    pwned: '这个密码已在网上泄露过。',
  },
  suggestions: {
    l33t: '不要用“@”代替“a”这类容易想到的替换。',
    reverseWords: '不要把常用词倒着写。',
    allUppercase: '只把部分字母写成大写。',
    capitalization: '不要只把第一个字母大写。',
    dates: '不要用与自己有关的日期和年份。',
    recentYears: '不要用近些年的年份。',
    associatedYears: '不要用与自己有关的年份。',
    sequences: '不要用连续的字符。',
    repeated: '不要重复同一个词或字符。',
    longerKeyboardPattern: '键盘图案要更长，并多次改变方向。',
    anotherWord: '多加几个不常见的词。',
    useWords: '用几个不相关的词组成一句话，但不要用常见的说法。',
    noNeed: '不用符号、数字或大写字母也能设出安全的密码，只要够长、够不常见。',
    pwned: '如果您在别处也用了这个密码，请一并修改。',
  },
  timeEstimation: {
    ltSecond: '不到一秒', second: '{base} 秒', seconds: '{base} 秒', minute: '{base} 分钟', minutes: '{base} 分钟', hour: '{base} 小时',
    hours: '{base} 小时', day: '{base} 天', days: '{base} 天', month: '{base} 个月', months: '{base} 个月', year: '{base} 年', years: '{base} 年',
    centuries: '数百年',
  },
};

let estimator: ZxcvbnFactory | null = null;

/** Built on first use: the dictionaries take a quarter of a second to load, which start-up need not pay. */
function getEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: CHINESE_TRANSLATIONS,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary, chineseCommon: CHINESE_COMMON, portal: PORTAL_WORDS },
  });
  return estimator;
}

export function scorePassword(password: string, personal: readonly string[] = []): ZxcvbnResult {
  return getEstimator().check(password, personal.filter((w) => w.trim()).map((w) => w.trim().toLowerCase()));
}

/**
 * Why a password is refused, in Chinese, or null when it is good enough.
 * @param personal words of the account it is for: login, display name (an attacker tries them)
 */
export function passwordProblem(password: string, personal: readonly string[] = []): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `密码至少需要 ${PASSWORD_MIN_LENGTH} 位`;
  if (length > PASSWORD_MAX_LENGTH) return `密码不能超过 ${PASSWORD_MAX_LENGTH} 位`;
  const result = scorePassword(password, personal);
  if (result.score >= MIN_SCORE) return null;
  const why = result.feedback.warning || '这个密码太容易被猜到。';
  const how = result.feedback.suggestions[0] || '用几个不相关的词组成一句较长的话。';
  return `密码太容易被猜到：${why}${how}`;
}
