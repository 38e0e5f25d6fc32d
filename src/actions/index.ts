import { ledger } from './ledger.ts';
import { publishing } from './publishing.ts';
import { report } from './report.ts';
import { staff } from './staff.ts';

export const server = { report, staff, publishing, ledger };
