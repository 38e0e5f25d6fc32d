/**
 * Demo citizen reports in every workflow state, so the queue, map, nearby search and tracking
 * can be tried on a fresh install. Marked is_demo; text is invented.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import type { Database } from '../../src/server/database.ts';
import { deriveReceiptCode, formatReceiptCode, hashReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import { encryptField } from '../../src/server/field-crypto.ts';
import { createRng } from './ledger-generator.ts';
import type { ReportState } from '../../src/domain/reports/workflow.ts';

const TEXTS = [
  ['house', '村东头有人在麦地里打地基，看样子要盖两层楼，已经砌了半人高。'],
  ['soil', '夜里有挖掘机和货车在耕地里挖土拉走，坑有两米多深。'],
  ['paving', '有人把一块玉米地用水泥硬化了，堆满了砖和钢筋。'],
  ['greenhouse', '新建的大棚里面隔出了房间，装了空调和卫生间，像是住人的。'],
  ['lake', '村委会在地里挖了一个大水塘，说要搞观光。'],
  ['greening', '承包的基本农田全部种上了绿化树苗。'],
  ['house', '路边耕地上新建了一排彩钢房，说是要开饭店。'],
  ['other', '耕地里倒了很多建筑垃圾，麦苗都被压死了。'],
] as const;

const STATES: ReportState[] = ['submitted', 'submitted', 'submitted', 'accepted', 'accepted', 'verifying', 'verifying', 'verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'rectifying', 'closed', 'closed', 'refused'];

export async function seedDemoReports(db: Kysely<Database>, keys: { appSecret: Buffer; reporterKey: Buffer }): Promise<string | null> {
  const any = await db.selectFrom('report').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const rng = createRng(12336);
  let sampleCode: string | null = null;
  const now = Date.now();
  for (let i = 0; i < 30; i++) {
    const township = jurisdiction.townships[i % jurisdiction.townships.length]!;
    const [cls, text] = TEXTS[i % TEXTS.length]!;
    const status = STATES[i % STATES.length]!;
    // Two clusters of neighbours, so "nearby reports" has something to show.
    const jitter = i % 5 === 0 ? 0.0008 : 0.02;
    const lng = township.lngLat[0] + (rng() - 0.5) * jitter;
    const lat = township.lngLat[1] + (rng() - 0.5) * jitter;
    const submitted = new Date(now - (45 - i) * 86_400_000 - Math.floor(rng() * 36_000_000));
    const key = randomUUID();
    const code = deriveReceiptCode(key, keys.appSecret);
    if (status === 'closed' && !sampleCode) sampleCode = formatReceiptCode(code);
    const assigned = ['verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'].includes(status) ? township.code : null;
    const deadlineDays = status === 'closed' || status === 'refused' ? null : i % 4 === 0 ? -3 : 6;
    const { id } = await db
      .insertInto('report')
      .values({
        receipt_hash: hashReceiptCode(code),
        idempotency_key: key,
        submission_hash: `demo-${i}`,
        status,
        problem_class: cls,
        township: township.code,
        village: township.villages[i % township.villages.length]!.name,
        place_description: `${township.villages[i % township.villages.length]!.name}附近（演示）`,
        lng,
        lat,
        location_source: 'map',
        seen_on: new Date(submitted.getTime() - 2 * 86_400_000).toISOString().slice(0, 10),
        description: `【演示】${text}`,
        reporter_name_enc: i % 3 === 0 ? encryptField('演示举报人', 'reporter_name', keys.reporterKey) : null,
        reporter_phone_enc: i % 3 === 0 ? encryptField('13800000000', 'reporter_phone', keys.reporterKey) : null,
        submitted_at: submitted,
        is_demo: true,
        assigned_township: assigned,
        stage_deadline: deadlineDays === null ? null : new Date(now + deadlineDays * 86_400_000).toISOString().slice(0, 10),
        verification_found: status === 'substantiated' || status === 'rectifying' || status === 'closed' ? true : status === 'unsubstantiated' ? false : null,
        measure: status === 'rectifying' || status === 'closed' ? 'demolish' : null,
        outcome: status === 'rectifying' ? 'in_progress' : status === 'closed' ? 'demolished' : null,
        public_reply: status === 'closed' ? '经核查，反映的问题属实。违法建筑已于近日拆除，土地正在复垦。感谢您的监督。（演示）' : null,
        refusal_reason: status === 'refused' ? 'ownership_dispute' : null,
        closed_at: status === 'closed' ? new Date(submitted.getTime() + 20 * 86_400_000) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const path: ReportState[] = ['submitted'];
    if (status !== 'submitted') path.push(status === 'refused' ? 'refused' : 'accepted');
    if (['verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'].includes(status)) path.push('verifying');
    if (['substantiated', 'rectifying', 'closed'].includes(status)) path.push('substantiated');
    if (status === 'unsubstantiated') path.push('unsubstantiated');
    if (['rectifying', 'closed'].includes(status)) path.push('rectifying');
    if (status === 'closed') path.push('closed');
    await db
      .insertInto('report_event')
      .values(path.map((state, k) => ({
        report_id: id,
        state,
        public_note: state === 'closed' ? '经核查，反映的问题属实。违法建筑已于近日拆除，土地正在复垦。感谢您的监督。（演示）' : state === 'refused' ? '不予受理的原因：土地权属或界址争议。建议您：向乡镇或县人民政府申请调处，或向人民法院起诉。（演示）' : null,
        at: new Date(submitted.getTime() + k * 3 * 86_400_000),
      })))
      .execute();
  }
  return sampleCode;
}
