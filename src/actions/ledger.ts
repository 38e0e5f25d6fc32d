/** Ledger (问题台账) management. Each Action checks the role itself. */
import { defineAction } from 'astro:actions';
import { getDb } from '../server/db.ts';
import { claimRectified, confirmImport, discardImport, editLedgerItem, uploadLedgerFile, verifyRectified } from '../domain/ledger/ledger-admin.ts';
import { ledgerDateSchema, ledgerEditSchema, ledgerImportSchema, ledgerUploadSchema } from '../domain/ledger/ledger-schema.ts';
import { guarded, requireStaff, purgePublicCopies } from './guard.ts';

export const ledger = {
  upload: defineAction({
    accept: 'form',
    input: ledgerUploadSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.import');
        const importId = await uploadLedgerFile(getDb(), user, input.file, input.kind);
        return { redirectTo: `/staff/ledger/imports/${importId}/` };
      }),
  }),
  confirm: defineAction({
    accept: 'form',
    input: ledgerImportSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.import');
        await confirmImport(getDb(), user, input.importId);
        purgePublicCopies(context);
        return { redirectTo: `/staff/ledger/imports/${input.importId}/?done=confirmed` };
      }),
  }),
  discard: defineAction({
    accept: 'form',
    input: ledgerImportSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.import');
        await discardImport(getDb(), user, input.importId);
        return { redirectTo: '/staff/ledger/?done=discarded' };
      }),
  }),
  edit: defineAction({
    accept: 'form',
    input: ledgerEditSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.edit');
        await editLedgerItem(getDb(), user, input.itemId, { ...input, permanentBasic: input.permanentBasic === 'yes' });
        purgePublicCopies(context);
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=edited` };
      }),
  }),
  claim: defineAction({
    accept: 'form',
    input: ledgerDateSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.claim');
        await claimRectified(getDb(), user, input.itemId, input.on);
        purgePublicCopies(context);
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=claimed` };
      }),
  }),
  verify: defineAction({
    accept: 'form',
    input: ledgerDateSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'ledger.verify');
        await verifyRectified(getDb(), user, input.itemId, input.on);
        purgePublicCopies(context);
        return { redirectTo: `/staff/ledger/items/${input.itemId}/?done=verified` };
      }),
  }),
};
