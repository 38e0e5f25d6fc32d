/** Inputs of the ledger (问题台账) Actions. Authorisation is checked in each handler, not here. */
import { z } from 'astro/zod';
import { optionalIsoDate, plainText } from '../../shared/text-safety.ts';
import { bigintIdField } from '../../shared/ids.ts';

const itemId = bigintIdField('缺少图斑编号', '图斑编号无效，请从台账列表重新打开');
const importId = bigintIdField('缺少导入批次', '导入批次无效，请重新上传文件');

export const ledgerUploadSchema = z.object({
  file: z.instanceof(File, { error: '请选择要导入的文件' }),
  /** 'items' for the ledger table (CSV/XLSX), 'geometry' for patch outlines (GeoJSON). */
  kind: z.enum(['items', 'geometry'], { error: '请选择导入台账还是图斑范围' }),
});

export const ledgerImportSchema = z.object({ importId });

export const ledgerEditSchema = z.object({
  itemId,
  village: plainText(40),
  /** 亩, up to two decimals; checked by the domain function, which names the problem. */
  totalAreaMu: plainText(20),
  farmlandAreaMu: plainText(20),
  permanentBasic: z.enum(['yes', 'no'], { error: '请选择是否涉及永久基本农田' }),
  problemClass: plainText(32),
  measure: plainText(32),
  deadline: optionalIsoDate('整改期限'),
  /** Why the keeper changed an imported figure; kept in the audit log next to before/after. */
  reason: plainText(500),
});

/** A township's claim or the keeper's verification: the day the work was done or checked. */
export const ledgerDateSchema = z.object({ itemId, on: optionalIsoDate('日期') });
