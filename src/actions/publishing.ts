/** Case notices and monthly bulletins. Each Action checks the role itself. */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { noticeActSchema, noticeDraftSchema, noticeWithdrawSchema } from '../domain/notices/notice-schema.ts';
import { getDb } from '../server/db.ts';
import { approveAndPublishNotice, saveNoticeDraft, withdrawNotice } from '../domain/notices/notice-drafts.ts';
import { freezeBulletin, publishBulletin } from '../domain/bulletins/bulletins.ts';
import { guarded, requireStaff, purgePublicCopies } from './guard.ts';
import { BIGINT_ID } from '../shared/ids.ts';

const idSchema = z.object({ id: z.string().regex(BIGINT_ID) });

export const publishing = {
  saveDraft: defineAction({
    accept: 'form',
    input: noticeDraftSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'notice.draft');
        const id = await saveNoticeDraft(getDb(), user, input);
        return { redirectTo: `/staff/notices/${id}/?done=saved` };
      }),
  }),
  approve: defineAction({
    accept: 'form',
    input: noticeActSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'notice.review');
        await approveAndPublishNotice(getDb(), user, input.noticeId);
        purgePublicCopies(context);
        return { redirectTo: `/staff/notices/${input.noticeId}/?done=published` };
      }),
  }),
  withdraw: defineAction({
    accept: 'form',
    input: noticeWithdrawSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'notice.withdraw');
        await withdrawNotice(getDb(), user, input.noticeId, input.category, input.reason);
        purgePublicCopies(context);
        return { redirectTo: `/staff/notices/${input.noticeId}/?done=withdrawn` };
      }),
  }),
  freezeBulletin: defineAction({
    accept: 'form',
    handler: (_input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'bulletin.generate');
        await freezeBulletin(getDb(), user);
        return { redirectTo: '/staff/bulletins/?done=frozen' };
      }),
  }),
  publishBulletin: defineAction({
    accept: 'form',
    input: idSchema,
    handler: (input, context) =>
      guarded(async () => {
        const user = requireStaff(context, 'bulletin.publish');
        await publishBulletin(getDb(), user, input.id);
        purgePublicCopies(context);
        return { redirectTo: '/staff/bulletins/?done=published' };
      }),
  }),
};
