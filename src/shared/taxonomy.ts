/**
 * Fixed vocabularies of the campaign, as the county plans name them. Codes are stored in the
 * database; labels are what people read. Shared by the server, forms, seed and tests.
 */

export interface Term<C extends string = string> {
  readonly code: C;
  readonly label: string;
  /** One plain sentence for residents. */
  readonly hint: string;
}

function terms<const T extends readonly Term[]>(list: T) {
  return list;
}

export const PROBLEM_CLASSES = terms([
  { code: 'house', label: '乱占耕地建房', hint: '未经批准在耕地上盖房子，2020年7月3日以后新建的是整治重点。' },
  { code: 'lake', label: '挖湖造景', hint: '把耕地挖成人工湖、水面做景观。' },
  { code: 'greenhouse', label: '大棚房', hint: '以农业大棚为名，在棚里建住房、会所等。' },
  { code: 'villa', label: '违建别墅', hint: '违法占地建设别墅或别墅类房屋。' },
  { code: 'golf', label: '高尔夫球场', hint: '占用耕地建设高尔夫球场或练习场。' },
  { code: 'greening', label: '绿化造林占用耕地', hint: '在耕地上植树造林、建绿化带、种草皮。' },
  { code: 'soil', label: '非法取土/采砂', hint: '在耕地上挖土、采砂、采石，破坏种植条件。' },
  { code: 'paving', label: '硬化/堆放', hint: '把耕地打成水泥地、建场院，或堆放建筑垃圾、砂石。' },
  { code: 'inspection', label: '督察发现问题', hint: '国家或省级土地督察发现的问题。' },
  { code: 'satellite', label: '卫片执法发现问题', hint: '卫星图片比对发现的新增违法用地。' },
  { code: 'abandoned', label: '耕地撂荒', hint: '耕地长期无人耕种、荒废。' },
  { code: 'nongrain', label: '种植结构调整（非粮化）', hint: '永久基本农田改种果树、苗木或挖塘养鱼等。' },
  { code: 'fake', label: '虚假整改', hint: '毁林还田、摆拍复耕等只做表面功夫的整改。' },
  { code: 'conduct', label: '责任、作风和腐败问题', hint: '占地问题背后失职、不作为或以权谋私。' },
  { code: 'other', label: '其他', hint: '以上都不符合时选择，并在描述中说明。' },
] as const);

export type ProblemClass = (typeof PROBLEM_CLASSES)[number]['code'];

/** The kinds a citizen can pick when reporting (the hotline's list). */
export const REPORTABLE_CLASSES: readonly ProblemClass[] = [
  'house', 'lake', 'greenhouse', 'villa', 'golf', 'greening', 'soil', 'paving', 'other',
];

export const MEASURES = terms([
  { code: 'restore', label: '恢复耕种', hint: '清除占用物后重新种上庄稼。' },
  { code: 'demolish', label: '拆除复垦', hint: '拆除违法建筑并把土地整理成耕地。' },
  { code: 'approve', label: '完善用地手续', hint: '项目本身合法的，依法补办用地审批，并接受处罚。' },
  { code: 'balance', label: '进出平衡', hint: '确实无法恢复的一般耕地，在别处补足同等数量和质量的耕地。' },
] as const);

export type Measure = (typeof MEASURES)[number]['code'];

export const OUTCOMES = terms([
  { code: 'recultivated', label: '已复耕', hint: '土地已重新耕种。' },
  { code: 'restored', label: '已恢复原状', hint: '占用物已清除，土地恢复原来的样子。' },
  { code: 'demolished', label: '违法建筑物已拆除', hint: '违法建筑已经拆掉。' },
  { code: 'in_progress', label: '正在整改中', hint: '整改已开始，尚未完成。' },
  { code: 'transferred', label: '已移交其他部门', hint: '已移交公安、纪检监察等有权部门处理。' },
  { code: 'pending', label: '暂未处置', hint: '尚未采取处置措施。' },
] as const);

export type Outcome = (typeof OUTCOMES)[number]['code'];

/**
 * Why a published notice was withdrawn, as the public reads it. A category only: the staff
 * member's own words go to the audit log, since they may name the people the notice masked.
 */
export const WITHDRAW_REASONS = terms([
  { code: 'correction', label: '内容有误，正在核实更正', hint: '事实、数字或当事人信息需要更正，更正后重新发布。' },
  { code: 'privacy', label: '涉及个人信息保护', hint: '通报中出现了不应公开的个人信息。' },
  { code: 'review', label: '处理结果发生变化', hint: '行政复议、诉讼或复查改变了处理结果。' },
  { code: 'duplicate', label: '重复发布', hint: '同一案件已有另一份通报。' },
  { code: 'other', label: '其他原因', hint: '以上都不符合。' },
] as const);

export type WithdrawReason = (typeof WITHDRAW_REASONS)[number]['code'];

export const ENFORCEMENT_STEPS = ['立案', '下达责令改正通知书', '行政处罚', '罚款', '拆除', '复垦', '移送公安机关', '移送纪检监察机关', '验收'] as const;

export function labelOf(list: readonly Term[], code: string | null | undefined): string {
  if (!code) return '—';
  return list.find((t) => t.code === code)?.label ?? code;
}

/**
 * The oldest problems the campaign takes up: inspection and satellite findings since 2018. A
 * rectification, a verification or an enforcement step dated before it is a typo.
 */
export const EARLIEST_PROBLEM_DATE = '2018-01-01';
