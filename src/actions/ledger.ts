/** Ledger (问题台账) management. Each Action checks the role itself. */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { getDb } from '../lib/server/db.ts';
import { claimRectified, confirmImport, discardImport, editLedgerItem, uploadLedgerFile, verifyRectified } from '../lib/server/ledger-admin.ts';
import { guarded, requireStaff } from './guard.ts';

const id = z.string().regex(/^\d{1,18}$/);
const text = (max: number) => z.string().nullish().transform((s) => (s ?? '').trim().slice(0, max));

export const ledger = {
  upload: defineAction({
    accept: 'form',
    input: z.object({ file: z.instanceof(File, { error: '请选择要导入的文件' }), kind: z.enum(['items', 'geometry']) }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['ledger']);
        const importId = await uploadLedgerFile(getDb(), user, input.file, input.kind);
        return { redirectTo: `/staff/ledger/imports/${importId}/` };
      }),
  }),
  confirm: defineAction({
    accept: 'form',
    input: z.object({ importId: id }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['ledger']);
        await confirmImport(getDb(), user, input.importId);
        return { redirectTo: `/staff/ledger/imports/${input.importId}/?done=confirmed` };
      }),
  }),
  discard: defineAction({
    accept: 'form',
    input: z.object({ importId: id }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['ledger']);
        await discardImport(getDb(), user, input.importId);
        return { redirectTo: '/staff/ledger/?done=discarded' };
      }),
  }),
  edit: defineAction({
    accept: 'form',
    input: z.object({
      itemId: id, village: text(40), totalAreaMu: text(20), farmlandAreaMu: text(20), permanentBasic: z.enum(['yes', 'no']),
      problemClass: text(32), measure: text(32), deadline: text(10), reason: text(500),
    }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['ledger']);
        await editLedgerItem(getDb(), user, input.itemId, { ...input, permanentBasic: input.permanentBasic === 'yes' });
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=edited` };
      }),
  }),
  claim: defineAction({
    accept: 'form',
    input: z.object({ itemId: id, on: text(10) }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['township']);
        await claimRectified(getDb(), user, input.itemId, input.on);
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=claimed` };
      }),
  }),
  verify: defineAction({
    accept: 'form',
    input: z.object({ itemId: id, on: text(10) }),
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, ['ledger']);
        await verifyRectified(getDb(), user, input.itemId, input.on);
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=verified` };
      }),
  }),
};
