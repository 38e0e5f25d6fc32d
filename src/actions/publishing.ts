/** Case notices and monthly bulletins. Each Action checks the role itself (staffAction). */
import { z } from 'astro/zod';
import { noticeActSchema, noticeDraftSchema, noticeWithdrawSchema } from '../domain/notices/notice-schema.ts';
import { approveAndPublishNotice, saveNoticeDraft, withdrawNotice } from '../domain/notices/notice-drafts.ts';
import { freezeBulletin, publishBulletin } from '../domain/bulletins/bulletins.ts';
import { purgePublicCopies, staffAction } from './guard.ts';
import { BIGINT_ID } from '../shared/ids.ts';

const idSchema = z.object({ id: z.string().regex(BIGINT_ID) });
const noticePage = (id: string) => `/staff/notices/${id}/`;

export const publishing = {
  saveDraft: staffAction(noticeDraftSchema, 'notice.draft', async ({ db, user, input }) => {
    const id = await saveNoticeDraft(db, user, input);
    return { redirectTo: `${noticePage(id)}?done=saved` };
  }),
  approve: staffAction(noticeActSchema, 'notice.review', async ({ db, user, input, context }) => {
    await approveAndPublishNotice(db, user, input.noticeId);
    purgePublicCopies(context);
    return { redirectTo: `${noticePage(input.noticeId)}?done=published` };
  }),
  withdraw: staffAction(noticeWithdrawSchema, 'notice.withdraw', async ({ db, user, input, context }) => {
    await withdrawNotice(db, user, input.noticeId, input.category, input.reason);
    purgePublicCopies(context);
    return { redirectTo: `${noticePage(input.noticeId)}?done=withdrawn` };
  }),
  // The form carries nothing but its origin: the figures frozen are today's.
  freezeBulletin: staffAction(z.object({}), 'bulletin.generate', async ({ db, user }) => {
    await freezeBulletin(db, user);
    return { redirectTo: '/staff/bulletins/?done=frozen' };
  }),
  publishBulletin: staffAction(idSchema, 'bulletin.publish', async ({ db, user, input, context }) => {
    await publishBulletin(db, user, input.id);
    purgePublicCopies(context);
    return { redirectTo: '/staff/bulletins/?done=published' };
  }),
};
