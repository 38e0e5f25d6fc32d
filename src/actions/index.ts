import { report } from './report.ts';

export const server = { report };
