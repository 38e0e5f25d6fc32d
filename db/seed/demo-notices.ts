/**
 * Six demo typical-case notices (典型案例通报). Invented for the demo county and marked is_demo,
 * so every page that shows them says 演示数据. Parties are already masked as the public sees them.
 */
import type { EnforcementStep } from '../../src/server/database.ts';
import type { Outcome, ProblemClass } from '../../src/shared/taxonomy.ts';

export interface DemoNotice {
  title: string;
  township: string;
  village: string;
  problemClass: ProblemClass;
  partyPublic: string;
  totalAreaMu: string;
  farmlandAreaMu: string;
  steps: EnforcementStep[];
  outcome: Outcome;
  accountability: string;
  body: string;
  publishedAt: string;
}

export const DEMO_NOTICES: DemoNotice[] = [
  {
    title: '西社镇某村村民王某未经批准占用耕地建房案',
    township: 'xishe', village: '马跑泉村', problemClass: 'house', partyPublic: '王某',
    totalAreaMu: '0.62', farmlandAreaMu: '0.62',
    steps: [
      { date: '2023-06-12', action: '立案', detail: '网格员巡查发现后上报，县自然资源局立案调查' },
      { date: '2023-06-15', action: '下达责令改正通知书', detail: '责令15日内自行拆除' },
      { date: '2023-07-03', action: '拆除', detail: '当事人自行拆除房屋主体' },
      { date: '2023-08-20', action: '复垦', detail: '清运建筑垃圾，覆土复耕' },
      { date: '2023-09-05', action: '验收', detail: '乡镇初验、县级复核通过' },
    ],
    outcome: 'recultivated',
    accountability: '对所在村党支部书记进行约谈，责令村委会作出书面检查。',
    body: '2023年6月，网格员在日常巡查中发现王某在承包的耕地上打地基建房。经核实，该处占用耕地0.62亩，未办理任何用地手续。县自然资源局立案后，镇村干部多次上门讲解政策，当事人认识到错误，自行拆除房屋并配合复耕。目前该地块已种上小麦。',
    publishedAt: '2023-09-20T09:00:00+08:00',
  },
  {
    title: '化峪镇某农业公司以设施农业为名建设大棚房案',
    township: 'huayu', village: '南位村', problemClass: 'greenhouse', partyPublic: '某公司',
    totalAreaMu: '8.35', farmlandAreaMu: '6.10',
    steps: [
      { date: '2023-05-28', action: '立案', detail: '卫片执法图斑核查中发现' },
      { date: '2023-06-02', action: '下达责令改正通知书' },
      { date: '2023-06-30', action: '行政处罚', detail: '没收违法所得，并处罚款' },
      { date: '2023-07-25', action: '拆除', detail: '拆除棚内住宅、餐饮用房共12间' },
      { date: '2023-08-30', action: '验收' },
    ],
    outcome: 'restored',
    accountability: '对镇分管领导诫勉谈话，对监管失职的2名工作人员给予批评教育。',
    body: '该公司以建设蔬菜大棚为名租用耕地，在棚内违规建设住宅和餐饮用房对外经营，属于“大棚房”问题。执法部门依法作出处罚，棚内非农建筑已全部拆除，大棚恢复蔬菜种植。通报提醒：设施农业用地只能用于农业生产，不得建住宅、搞经营。',
    publishedAt: '2023-09-28T09:00:00+08:00',
  },
  {
    title: '翟店镇某砖厂非法在耕地上取土案',
    township: 'zhaidian', village: '南里村', problemClass: 'soil', partyPublic: '某砖厂',
    totalAreaMu: '3.40', farmlandAreaMu: '3.40',
    steps: [
      { date: '2023-07-08', action: '立案', detail: '群众举报，执法人员现场查实' },
      { date: '2023-07-09', action: '下达责令改正通知书', detail: '责令立即停止取土' },
      { date: '2023-08-15', action: '罚款' },
      { date: '2023-10-10', action: '复垦', detail: '回填土方、平整土地' },
    ],
    outcome: 'in_progress',
    accountability: '暂无。',
    body: '群众反映有车辆夜间在村外耕地里挖土。执法人员现场查实，该砖厂在耕地上取土，破坏了3.40亩耕地的种植条件。砖厂已停止取土并被依法罚款，回填平整已完成大部分，待土壤培肥后验收。',
    publishedAt: '2023-10-18T09:00:00+08:00',
  },
  {
    title: '稷峰镇某村委会违规在永久基本农田上挖塘造景案',
    township: 'jifeng', village: '高渠村', problemClass: 'lake', partyPublic: '某村村民委员会',
    totalAreaMu: '5.20', farmlandAreaMu: '5.20',
    steps: [
      { date: '2023-06-20', action: '立案', detail: '督察反馈问题' },
      { date: '2023-06-25', action: '下达责令改正通知书' },
      { date: '2023-09-15', action: '复垦', detail: '填平水塘，恢复耕作层' },
      { date: '2023-10-30', action: '验收' },
    ],
    outcome: 'recultivated',
    accountability: '给予村党支部书记党内警告处分，对镇包村干部进行约谈。',
    body: '该村委会以美化村容为由，在永久基本农田上挖塘蓄水、修建亲水平台。永久基本农田必须恢复，不能用其他耕地替代。整改中，村里填平水塘、拆除平台并恢复耕作层，已通过县级验收。',
    publishedAt: '2023-11-08T09:00:00+08:00',
  },
  {
    title: '清河镇李某占用耕地硬化场院堆放建材案',
    township: 'qinghe', village: '吴嘱村', problemClass: 'paving', partyPublic: '李某',
    totalAreaMu: '1.15', farmlandAreaMu: '1.15',
    steps: [
      { date: '2023-08-02', action: '立案', detail: '卫片执法图斑' },
      { date: '2023-08-04', action: '下达责令改正通知书' },
      { date: '2023-09-10', action: '拆除', detail: '破除水泥硬化地面，清运建材' },
    ],
    outcome: 'in_progress',
    accountability: '暂无。',
    body: '李某将承包地打成水泥地面，用于堆放砂石和建材。目前硬化层已全部破除，正在客土回填，计划下一季种植玉米。',
    publishedAt: '2023-11-22T09:00:00+08:00',
  },
  {
    title: '蔡村乡张某违法建设别墅类房屋移送案',
    township: 'caicun', village: '北董村', problemClass: 'villa', partyPublic: '张某',
    totalAreaMu: '1.80', farmlandAreaMu: '0.95',
    steps: [
      { date: '2023-05-30', action: '立案' },
      { date: '2023-06-05', action: '下达责令改正通知书', detail: '当事人拒不整改' },
      { date: '2023-07-20', action: '行政处罚', detail: '责令退还土地、限期拆除' },
      { date: '2023-09-12', action: '移送公安机关', detail: '涉嫌非法占用农用地罪' },
    ],
    outcome: 'transferred',
    accountability: '对审批把关不严的相关人员移交纪检监察机关调查。',
    body: '张某未经批准占地建设两层独栋别墅式房屋，其中占用耕地0.95亩。在责令改正后拒不整改，执法部门依法作出处罚，并将涉嫌犯罪线索移送公安机关。案件仍在办理中。',
    publishedAt: '2023-12-05T09:00:00+08:00',
  },
];
