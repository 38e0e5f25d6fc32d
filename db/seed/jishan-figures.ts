/**
 * 稷山县 satellite-enforcement figures per township, from 稷政办函〔2023〕18号 (shared seed 004).
 * Areas are strings to keep them exact. The demo ledger is generated to add up to these.
 */
export interface TownshipFigures {
  township: string;
  cases: number;
  areaMu: string;
  farmlandCases: number;
  farmlandMu: string;
}

export interface BatchFigures {
  code: string;
  name: string;
  source: 'satellite';
  /** [due date, minimum verified-rectified rate in percent] */
  targets: ReadonlyArray<readonly [string, number]>;
  /** Deadline written on each item of the batch. */
  itemDeadline: string;
  townships: readonly TownshipFigures[];
  county: Omit<TownshipFigures, 'township'>;
}

const row = (township: string, cases: number, areaMu: string, farmlandCases: number, farmlandMu: string): TownshipFigures => ({
  township, cases, areaMu, farmlandCases, farmlandMu,
});

export const JISHAN_BATCHES: readonly BatchFigures[] = [
  {
    code: 'wp-2018-2021',
    name: '卫片执法 2018—2021年度',
    source: 'satellite',
    targets: [['2023-09-30', 50], ['2023-11-30', 70]],
    itemDeadline: '2023-11-30',
    townships: [
      row('jifeng', 35, '141.31', 8, '29.88'),
      row('huayu', 15, '95.93', 4, '5.62'),
      row('taiyang', 7, '18.81', 4, '3.97'),
      row('zhaidian', 11, '30.96', 2, '1.55'),
      row('qinghe', 12, '19.5', 2, '1.16'),
      row('xishe', 34, '339.43', 3, '0.99'),
      row('caicun', 4, '15.57', 0, '0'),
    ],
    county: { cases: 118, areaMu: '661.51', farmlandCases: 23, farmlandMu: '43.17' },
  },
  {
    code: 'wp-2022',
    name: '卫片执法 2022年度',
    source: 'satellite',
    targets: [['2023-11-30', 100]],
    itemDeadline: '2023-11-30',
    townships: [
      row('jifeng', 5, '9.41', 0, '0'),
      row('huayu', 18, '63.31', 5, '13.49'),
      row('taiyang', 2, '3.27', 0, '0'),
      row('zhaidian', 10, '22.5', 0, '0'),
      row('qinghe', 1, '1.12', 0, '0'),
      row('xishe', 33, '167.83', 3, '12.18'),
      row('caicun', 2, '30.41', 0, '0'),
    ],
    county: { cases: 71, areaMu: '297.85', farmlandCases: 8, farmlandMu: '25.67' },
  },
];
