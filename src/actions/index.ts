import { report } from './report.ts';
import { staff } from './staff.ts';

export const server = { report, staff };
