/** Ledger (问题台账) management. Each Action checks the role itself (staffAction). */
import { claimRectified, editLedgerItem, verifyRectified } from '../domain/ledger/ledger-admin.ts';
import { confirmImport, discardImport, uploadLedgerFile } from '../domain/ledger/ledger-imports.ts';
import { ledgerDateSchema, ledgerEditSchema, ledgerImportSchema, ledgerUploadSchema } from '../domain/ledger/ledger-schema.ts';
import { purgePublicCopies, staffAction } from './guard.ts';

const itemPage = (id: string) => `/staff/ledger/items/${id}/`;

export const ledger = {
  upload: staffAction(ledgerUploadSchema, 'ledger.import', async ({ db, user, input }) => {
    const importId = await uploadLedgerFile(db, user, input.file, input.kind);
    return { redirectTo: `/staff/ledger/imports/${importId}/` };
  }),
  confirm: staffAction(ledgerImportSchema, 'ledger.import', async ({ db, user, input, context }) => {
    await confirmImport(db, user, input.importId);
    purgePublicCopies(context);
    return { redirectTo: `/staff/ledger/imports/${input.importId}/?done=confirmed` };
  }),
  discard: staffAction(ledgerImportSchema, 'ledger.import', async ({ db, user, input }) => {
    await discardImport(db, user, input.importId);
    return { redirectTo: '/staff/ledger/?done=discarded' };
  }),
  edit: staffAction(ledgerEditSchema, 'ledger.edit', async ({ db, user, input, context }) => {
    await editLedgerItem(db, user, input.itemId, { ...input, permanentBasic: input.permanentBasic === 'yes' });
    purgePublicCopies(context);
    return { redirectTo: `${itemPage(input.itemId)}?done=edited` };
  }),
  claim: staffAction(ledgerDateSchema, 'ledger.claim', async ({ db, user, input, context }) => {
    await claimRectified(db, user, input.itemId, input.on);
    purgePublicCopies(context);
    return { redirectTo: `${itemPage(input.itemId)}?done=claimed` };
  }),
  verify: staffAction(ledgerDateSchema, 'ledger.verify', async ({ db, user, input, context }) => {
    await verifyRectified(db, user, input.itemId, input.on);
    purgePublicCopies(context);
    return { redirectTo: `${itemPage(input.itemId)}?done=verified` };
  }),
};
