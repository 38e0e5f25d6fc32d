export interface RefusalReason {
  readonly code: string;
  /** Short, for the moderator's picker and the citizen's tracking page. */
  readonly label: string;
  /** Where the citizen should turn instead, in plain words. */
  readonly goInstead: string;
}

/**
 * Why a report is not handled here, mirroring what the 12336 natural-resources hotline does not
 * accept, each with where to go instead — a refusal must never be a dead end for the citizen.
 * Codes are stored with the report; do not rename them.
 */
export const REFUSAL_REASONS: readonly RefusalReason[] = [
  {
    code: 'ownership_dispute',
    label: '土地权属或界址争议',
    goInstead: '向乡镇或县人民政府申请调处，或向人民法院起诉；登记有误的，向不动产登记机构申请更正',
  },
  {
    code: 'official_misconduct',
    label: '反映公职人员违纪违法',
    goInstead: '向纪检监察机关反映（举报电话12388）',
  },
  {
    code: 'legal_proceedings',
    label: '已进入诉讼、仲裁或行政复议',
    goInstead: '依法通过原渠道（人民法院、仲裁机构、复议机关）办理',
  },
  {
    code: 'outside_county',
    label: '不在本县范围',
    goInstead: '向事发地县级自然资源部门举报，也可拨打12336',
  },
  {
    code: 'insufficient_facts',
    label: '缺少具体地点和情况',
    goInstead: '补充具体地点和情况后重新举报',
  },
  {
    code: 'pollution',
    label: '环境污染问题',
    goInstead: '向生态环境部门举报（12369）',
  },
  {
    code: 'urban_building',
    label: '城镇违法建设',
    goInstead: '向住房城乡建设或城市管理部门反映（可拨打12345）',
  },
  {
    code: 'not_land',
    label: '与土地和耕地无关',
    goInstead: '拨打12345政务服务便民热线，转交主管部门',
  },
  {
    code: 'already_handled',
    label: '已办理且无新情况',
    goInstead: '查看原办理结果；有新情况的，说明后重新举报',
  },
];
